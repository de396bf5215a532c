import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ParameterProblem, readUuid } from '../../shared/params';

/** The OTP ID field shared by Get Status, Verify and Cancel. */
export const otpIdField: INodeProperties = {
	displayName: 'OTP ID',
	name: 'otpId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. a17fb13d-f4ac-4d93-9439-ef41ab8de390',
	description: 'The otpId returned by the Send operation (a lower-case UUID)',
	displayOptions: { show: { operation: ['cancel', 'status', 'verify'] } },
};

const FIELD = { label: 'OTP ID', name: 'otpId' };
const FIX = 'Use the otpId from the Send output, e.g. a17fb13d-f4ac-4d93-9439-ef41ab8de390.';

/**
 * Reads and checks the OTP ID, so a malformed one never costs a request (SMS.CX would answer 2021), and
 * nothing but a lower-case UUID ever goes into a request path.
 */
export function readOtpId(fn: IExecuteFunctions, itemIndex: number): string {
	const otpId = readUuid(fn.getNodeParameter('otpId', itemIndex, ''), FIELD, FIX, 2021);
	if (otpId === undefined) throw new ParameterProblem(FIELD, 'is empty', FIX, undefined, 2021);
	return otpId;
}

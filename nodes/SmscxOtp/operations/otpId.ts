import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { isOtpId } from '../validation';

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

/** Reads and checks the OTP ID, so a malformed one never costs a request. */
export function readOtpId(fn: IExecuteFunctions, itemIndex: number): string {
	const otpId = String(fn.getNodeParameter('otpId', itemIndex, '') ?? '').trim();
	if (!isOtpId(otpId)) {
		throw new NodeOperationError(
			fn.getNode(),
			otpId === ''
				? 'OTP ID (otpId) is empty'
				: `OTP ID (otpId) is not an SMS.CX OTP ID: "${otpId}"`,
			{
				itemIndex,
				description:
					'Use the otpId from the output of the Send operation: a lower-case UUID such as a17fb13d-f4ac-4d93-9439-ef41ab8de390. SMS.CX would answer code 2021 (not found).',
			},
		);
	}
	return otpId;
}

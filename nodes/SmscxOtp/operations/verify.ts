import { NodeOperationError } from 'n8n-workflow';
import type { INodeProperties } from 'n8n-workflow';

import { smscxApiError } from '../../shared/errors';
import { readOtpId } from './otpId';
import type { PrepareItem } from './types';

export const verifyFields: INodeProperties[] = [
	{
		displayName: 'PIN',
		name: 'pin',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1544',
		description: 'The PIN the person typed. Spaces around it are ignored.',
		displayOptions: { show: { operation: ['verify'] } },
	},
];

// Answers that mean "this PIN does not verify" (wrong, expired, failed, cancelled, already verified):
// an ordinary outcome of a verification flow, returned as data unless the user asks for an error.
const NOT_VERIFIED_CODES = [2023, 2024, 2025, 2026, 2027, 2028, 2029];

/** Verify: checks the PIN; each call counts an attempt at SMS.CX, so it is never repeated automatically. */
export const verify: PrepareItem = (fn, itemIndex) => {
	const otpId = readOtpId(fn, itemIndex);
	const pin = String(fn.getNodeParameter('pin', itemIndex, '') ?? '').trim();
	if (pin === '') {
		throw new NodeOperationError(fn.getNode(), 'PIN (pin) is empty: SMS.CX would refuse it with code 2022', {
			itemIndex,
			description: 'Map the PIN the person typed into the PIN field. Nothing was sent to SMS.CX.',
		});
	}
	const failWhenNotVerified = fn.getNodeParameter('options.failWhenNotVerified', itemIndex, false) as boolean;
	return {
		call: { method: 'POST', path: `/otp/${otpId}`, body: { pin }, idempotent: false },
		finish: (outcome) => {
			if (outcome.ok) return { verified: true, otpId, status: outcome.body.status ?? 'VERIFIED' };
			const { code, type, message } = outcome.failure;
			if (failWhenNotVerified || !NOT_VERIFIED_CODES.includes(code as number)) {
				throw smscxApiError(fn.getNode(), outcome.failure, itemIndex);
			}
			return { verified: false, otpId, code, type, message };
		},
	};
};

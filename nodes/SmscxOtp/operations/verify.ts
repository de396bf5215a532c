import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { smscxApiError } from '../../shared/errors';
import { ParameterProblem, readBoolean, readPin } from '../../shared/params';
import { PIN_SHAPE } from '../../shared/rules';
import type { CallOutcome } from '../../shared/dispatcher';
import { readOtpId } from './otpId';
import { readsParameters } from './types';
import type { FollowUp } from './types';

export const verifyFields: INodeProperties[] = [
	{
		displayName: 'PIN',
		name: 'pin',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 1544',
		description:
			'The PIN the person typed: 4–10 letters or digits. Spaces around it are ignored; a PIN of another shape is answered verified: false without using an attempt.',
		displayOptions: { show: { operation: ['verify'] } },
	},
];

const PIN_FIELD = { label: 'PIN', name: 'pin' };

// Answers that mean "this PIN does not verify" (wrong, expired, failed, cancelled, already verified):
// an ordinary outcome of a verification flow, returned as data unless the user asks for an error.
const NOT_VERIFIED_CODES = [2023, 2024, 2025, 2026, 2027, 2028, 2029];

/** What Verify adds from the OTP itself, so a workflow can route on the number without a Get Status. */
const OTP_FIELDS = ['phoneNumber', 'countryIso', 'trackId'];

function detailsOf(outcome: CallOutcome): IDataObject {
	const details: IDataObject = {};
	if (outcome.ok) for (const key of OTP_FIELDS) if (outcome.body[key] !== undefined) details[key] = outcome.body[key];
	return details;
}

/** The OTP's phone number (and country, track ID), read with a free GET; nothing when that read fails. */
async function otpDetails(otpId: string, followUp: FollowUp): Promise<IDataObject> {
	try {
		return detailsOf(await followUp({ method: 'GET', path: `/otp/${otpId}`, idempotent: true }));
	} catch {
		// the run was stopped or cancelled before the free read left: the verify result stands without details
		return {};
	}
}

/**
 * Verify: checks the PIN; each check counts an attempt at SMS.CX, so it is never repeated automatically.
 * A PIN that cannot be an SMS.CX PIN (not 4–10 ASCII letters or digits) is never sent: it is a person's typo,
 * so it comes back as verified: false (type invalid_pin_format) and spends no attempt. A value that is not text
 * at all (an object, true) is a mapping mistake and fails the item.
 */
export const verify = readsParameters((fn, itemIndex) => {
	const otpId = readOtpId(fn, itemIndex);
	const reading = readPin(fn.getNodeParameter('pin', itemIndex, ''), PIN_FIELD, PIN_SHAPE, 2022);
	if (reading === undefined) {
		throw new ParameterProblem(PIN_FIELD, 'is empty', 'Map the PIN the person typed, e.g. {{ $json.pin }}.', undefined, 2022);
	}
	const failWhenNotVerified =
		readBoolean(fn.getNodeParameter('options.failWhenNotVerified', itemIndex, false), {
			label: 'Fail When Not Verified',
			name: 'failWhenNotVerified',
		}) ?? false;

	if (reading.kind === 'impossible') {
		const message = `The PIN cannot be right: ${reading.reason}. It was not sent to SMS.CX, so no attempt was used.`;
		if (failWhenNotVerified) {
			throw new ParameterProblem(PIN_FIELD, 'is not 4–10 letters or digits', 'Ask the person to type the PIN again.');
		}
		// A free read instead of the check: it still finds an unknown OTP ID (2021) and adds the phone number.
		return {
			call: { method: 'GET', path: `/otp/${otpId}`, idempotent: true },
			finish: (outcome) => {
				if (!outcome.ok && outcome.failure.code === 2021) throw smscxApiError(fn.getNode(), outcome.failure, itemIndex);
				return { verified: false, otpId, code: null, type: 'invalid_pin_format', message, ...detailsOf(outcome) };
			},
		};
	}

	return {
		call: { method: 'POST', path: `/otp/${otpId}`, body: { pin: reading.pin }, idempotent: false },
		finish: async (outcome, followUp) => {
			if (outcome.ok) {
				const status = outcome.body.status ?? 'VERIFIED';
				return { verified: true, otpId, status, ...(await otpDetails(otpId, followUp)) };
			}
			const { code, type, message } = outcome.failure;
			if (failWhenNotVerified || !NOT_VERIFIED_CODES.includes(code as number)) {
				throw smscxApiError(fn.getNode(), outcome.failure, itemIndex);
			}
			return { verified: false, otpId, code, type, message, ...(await otpDetails(otpId, followUp)) };
		},
	};
});

import { redactOtp } from '../../shared/redact';
import { readOtpId } from './otpId';
import { bodyOrThrow, readsParameters } from './types';

/** Get Status: the OTP object as SMS.CX returns it (a GET, so it is retried on temporary failures). */
export const status = readsParameters((fn, itemIndex) => {
	const otpId = readOtpId(fn, itemIndex);
	return {
		call: { method: 'GET', path: `/otp/${otpId}`, idempotent: true },
		finish: (outcome) => redactOtp(bodyOrThrow(fn, itemIndex, outcome)),
	};
});

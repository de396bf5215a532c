import { readOtpId } from './otpId';
import { bodyOrThrow, readsParameters } from './types';

/** Cancel: only a pending OTP can be cancelled (SMS.CX answers 2030/2031 otherwise). */
export const cancel = readsParameters((fn, itemIndex) => {
	const otpId = readOtpId(fn, itemIndex);
	return {
		call: { method: 'DELETE', path: `/otp/${otpId}`, idempotent: false },
		finish: (outcome) => {
			bodyOrThrow(fn, itemIndex, outcome);
			return { cancelled: true, otpId };
		},
	};
});

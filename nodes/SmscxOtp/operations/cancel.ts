import { readOtpId } from './otpId';
import type { Operation } from './types';

/** Cancel: only a pending OTP can be cancelled (SMS.CX answers 2030/2031 otherwise). */
export const cancel: Operation = async (ctx, itemIndex) => {
	const otpId = readOtpId(ctx.fn, itemIndex);
	await ctx.client.call(itemIndex, { method: 'DELETE', path: `/otp/${otpId}`, idempotent: false });
	return { cancelled: true, otpId };
};

import { redactOtp } from '../../shared/redact';
import { readOtpId } from './otpId';
import type { Operation } from './types';

/** Get Status: the OTP object as SMS.CX returns it (a GET, so it is retried on temporary failures). */
export const status: Operation = async (ctx, itemIndex) => {
	const otpId = readOtpId(ctx.fn, itemIndex);
	const otp = await ctx.client.call(itemIndex, { method: 'GET', path: `/otp/${otpId}`, idempotent: true });
	return redactOtp(otp);
};

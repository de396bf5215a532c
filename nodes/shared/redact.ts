import type { IDataObject } from 'n8n-workflow';

/**
 * SMS.CX echoes `otpCallbackUrl` in every OTP object. When that URL carries the trigger's secret as
 * `?token=…`, the secret would land in output data; this masks the value and keeps the rest of the URL.
 */
function redactUrlToken(url: string): string {
	return url.replace(/([?&]token=)[^&#]*/gi, '$1***');
}

/** A copy of an OTP object (or callback entry) that is safe to hand to the workflow. */
export function redactOtp(otp: IDataObject): IDataObject {
	if (typeof otp.otpCallbackUrl !== 'string') return { ...otp };
	return { ...otp, otpCallbackUrl: redactUrlToken(otp.otpCallbackUrl) };
}

/** A URL for messages: scheme, host and path only (a `user:pass@` or a query never appears). */
export function urlText(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`.slice(0, 200);
	} catch {
		return 'the Base URL';
	}
}

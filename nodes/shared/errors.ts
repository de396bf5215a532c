import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { NEW_OTP_RULES } from '../SmscxOtp/validation';

/** What went wrong with one SMS.CX call, in plain data: nothing from the request (no headers, no keys). */
export interface SmscxFailure {
	/** HTTP status, absent when no answer arrived */
	httpStatus?: number;
	/** SMS.CX error code (e.g. 2029) */
	code?: number;
	/** Network error code when no answer arrived (e.g. ECONNRESET) */
	networkCode?: string;
	/** SMS.CX error type (e.g. invalid_pin) */
	type?: string;
	/** SMS.CX's own message, or what we observed */
	message: string;
	requestId?: string;
	/** Unix seconds when the rate limit resets (429 only) */
	rateLimitReset?: number;
	/** A passing condition (5xx, timeout, dropped connection, unreadable answer): worth another try if safe */
	transient?: boolean;
	/** The request may have been processed although no usable answer arrived, and was not idempotent */
	mayHaveBeenProcessed?: boolean;
}

const TYPE_HINTS: Record<string, string> = {
	invalid_api_key:
		'Check the SMS.CX API credential: the API key or access token is wrong, revoked or expired, or the Authentication type does not match what was pasted.',
	invalid_client: 'Check the application ID and secret in the SMS.CX API credential.',
	insufficient_scope:
		'The access token lacks a scope this call needs (otp). Give the application that scope in the SMS.CX dashboard, or use an API key.',
	insufficient_credit: 'The SMS.CX balance is too low for this SMS. Top it up in the SMS.CX dashboard, then run again.',
	server_error: 'SMS.CX could not handle the request right now. Try again in a moment.',
};

const CODE_HINTS: Record<number, string> = {
	2021: 'No OTP with this ID exists in this SMS.CX account. Use the otpId from the Send output, with the same credential.',
	2022: 'Pass the PIN the person typed in the PIN field.',
	2030: 'This OTP was already cancelled. Nothing to do.',
	2031: 'Only a pending OTP can be cancelled; this one is already verified, expired or failed. Use Get Status to see which.',
};

function hintFor(failure: SmscxFailure): string {
	if (failure.mayHaveBeenProcessed) {
		return 'SMS.CX may have processed this request (for Send: the SMS may have gone out and been charged), so it was not repeated automatically. Check with Get Status or in the SMS.CX dashboard (search by Track ID if you set one) before sending again.';
	}
	if (typeof failure.code === 'number' && NEW_OTP_RULES[failure.code]) {
		const rule = NEW_OTP_RULES[failure.code];
		return `Field "${rule.field}" ${rule.problem}. ${rule.fix}`;
	}
	if (typeof failure.code === 'number' && CODE_HINTS[failure.code]) return CODE_HINTS[failure.code];
	if (failure.type && TYPE_HINTS[failure.type]) return TYPE_HINTS[failure.type];
	if (failure.httpStatus === 401) return TYPE_HINTS.invalid_api_key;
	if (failure.httpStatus === 429) {
		const at = failure.rateLimitReset ? new Date(failure.rateLimitReset * 1000).toISOString() : 'soon';
		return `The SMS.CX rate limit resets at ${at}. Raise "Rate Limit Retries" or "Max Rate Limit Wait" in the node options, or spread the items over time.`;
	}
	if (failure.networkCode) return 'Check the Base URL in the SMS.CX API credential and the network between n8n and SMS.CX.';
	if (failure.httpStatus !== undefined && failure.httpStatus >= 500) return TYPE_HINTS.server_error;
	return 'Check the node parameters and the SMS.CX API credential.';
}

/** The error an item fails with when SMS.CX (or the way to it) did not give the expected answer. */
export function smscxApiError(node: INode, failure: SmscxFailure, itemIndex: number): NodeApiError {
	const codePart = failure.code !== undefined ? `, code ${failure.code}` : '';
	const answerPart = failure.httpStatus !== undefined ? ` (HTTP ${failure.httpStatus}${codePart})` : '';
	const response: JsonObject = {
		message: failure.message,
		...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}),
		...(failure.code !== undefined ? { code: failure.code } : {}),
		...(failure.networkCode ? { networkCode: failure.networkCode } : {}),
		...(failure.type ? { type: failure.type } : {}),
		...(failure.requestId ? { requestId: failure.requestId } : {}),
		...(failure.rateLimitReset ? { rateLimitReset: failure.rateLimitReset } : {}),
	};
	const requestIdNote = failure.requestId ? ` SMS.CX request ID: ${failure.requestId}.` : '';
	const networkNote = failure.networkCode ? ` Network code: ${failure.networkCode}.` : '';
	return new NodeApiError(node, response, {
		message: `SMS.CX: ${failure.message}${answerPart}`,
		description: `${hintFor(failure)}${requestIdNote}${networkNote}`,
		httpCode: failure.httpStatus !== undefined ? String(failure.httpStatus) : undefined,
		itemIndex,
	});
}

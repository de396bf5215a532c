import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import type { ParameterProblem } from './params';
import { timeText } from './rateLimit';
import { FIELD_LABELS, NEW_OTP_RULES } from './rules';

/**
 * Where a failed call stopped, by code (network code, HTTP status, SMS.CX code), never by message text. It decides
 * what the message may say, and with the method whether the call is tried again (retryPolicy.ts).
 * - unreachable: no connection was opened (refused, DNS, unreachable): nothing left the machine, may pass;
 * - misconfigured: nothing left and trying again will not help (TLS certificate, invalid URL, a redirect);
 * - noToken: the OAuth2 token request failed, so the call itself was never made;
 * - rateLimited: SMS.CX refused it unprocessed (429), or the gate would hold it too long and it never left;
 * - unauthorized: SMS.CX refused the key or token (401), unprocessed;
 * - mayHaveLeft: the request left and no usable answer came (timeout, dropped connection, a proxy's page, unreadable);
 * - serverError: a 5xx with SMS.CX's own error body: SMS.CX says it failed, so it did not do it;
 * - answered: SMS.CX answered with an error of its own.
 */
export type FailureKind =
	| 'unreachable'
	| 'misconfigured'
	| 'noToken'
	| 'rateLimited'
	| 'unauthorized'
	| 'mayHaveLeft'
	| 'serverError'
	| 'answered';

/** What went wrong with one SMS.CX call, in plain data: nothing from the request (no headers, no keys). */
export interface SmscxFailure {
	kind: FailureKind;
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
	/** Unix seconds when the rate limit resets (429 only, when the header was believable) */
	rateLimitReset?: number;
	/** The request may have been processed although no usable answer arrived, and was not a GET */
	mayHaveBeenProcessed?: boolean;
}

const TLS_WORDS = "the server's TLS certificate was not accepted";
/** Network codes: what each says, and whether the request may have left (unknown codes: it may have). */
const NETWORK_CODES: Record<string, { kind: FailureKind; words: string }> = {
	ECONNREFUSED: { kind: 'unreachable', words: 'the connection was refused' },
	ENOTFOUND: { kind: 'unreachable', words: 'the host name was not found' },
	EAI_AGAIN: { kind: 'unreachable', words: 'the host name could not be resolved' },
	EHOSTUNREACH: { kind: 'unreachable', words: 'the host is unreachable' },
	ENETUNREACH: { kind: 'unreachable', words: 'the network is unreachable' },
	ERR_INVALID_URL: { kind: 'misconfigured', words: 'the Base URL is not a valid URL' },
	CERT_HAS_EXPIRED: { kind: 'misconfigured', words: "the server's TLS certificate has expired" },
	CERT_NOT_YET_VALID: { kind: 'misconfigured', words: "the server's TLS certificate is not valid yet" },
	ERR_TLS_CERT_ALTNAME_INVALID: { kind: 'misconfigured', words: "the server's TLS certificate is for another host name" },
	DEPTH_ZERO_SELF_SIGNED_CERT: { kind: 'misconfigured', words: "the server's TLS certificate is self-signed" },
	SELF_SIGNED_CERT_IN_CHAIN: { kind: 'misconfigured', words: "the server's TLS certificate chain is self-signed" },
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: { kind: 'misconfigured', words: TLS_WORDS },
	UNABLE_TO_GET_ISSUER_CERT: { kind: 'misconfigured', words: TLS_WORDS },
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { kind: 'misconfigured', words: TLS_WORDS },
	CERT_SIGNATURE_FAILURE: { kind: 'misconfigured', words: TLS_WORDS },
	CERT_REVOKED: { kind: 'misconfigured', words: "the server's TLS certificate was revoked" },
	ERR_SSL_WRONG_VERSION_NUMBER: { kind: 'misconfigured', words: 'the server does not speak TLS (http vs https?)' },
	// a TLS handshake that failed: the request itself is only written after it
	EPROTO: { kind: 'misconfigured', words: 'the TLS connection could not be set up (http vs https?)' },
	ECONNRESET: { kind: 'mayHaveLeft', words: 'the connection was closed before an answer arrived' },
	ECONNABORTED: { kind: 'mayHaveLeft', words: 'no answer within the timeout' },
	ETIMEDOUT: { kind: 'mayHaveLeft', words: 'no answer within the timeout' },
};

/** A network code's kind and plain words (not the raw code: n8n swaps messages that contain one). */
export function networkFailure(code: string): { kind: FailureKind; words: string } {
	return NETWORK_CODES[code] ?? { kind: 'mayHaveLeft', words: 'the connection failed' };
}

/** The error named `name` inside n8n's wrapping errors (matched by name: n8n may load a class twice). */
export function causeNamed(error: unknown, name: string): Error | undefined {
	let cause = error as { name?: string; cause?: unknown } | undefined;
	for (let depth = 0; cause && depth < 5; depth++) {
		if (cause.name === name) return cause as Error;
		cause = cause.cause as typeof cause;
	}
	return undefined;
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
	if (failure.kind === 'noToken') {
		return failure.networkCode
			? 'No access token was issued, so no request was made to the SMS.CX API. Check the Base URL in the credential and the network between n8n and SMS.CX.'
			: 'No access token was issued, so no request was made to the SMS.CX API.';
	}
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
		const when = failure.rateLimitReset ? `resets at ${resetTime(failure)}` : 'named no usable reset time';
		return `The SMS.CX rate limit ${when}. Raise "Rate Limit Retries" or "Max Rate Limit Wait" in the node options, or spread the items over time.`;
	}
	if (failure.networkCode) return 'Check the Base URL in the SMS.CX API credential and the network between n8n and SMS.CX.';
	if (failure.httpStatus !== undefined && failure.httpStatus >= 500) return TYPE_HINTS.server_error;
	return 'Check the node parameters and the SMS.CX API credential.';
}

const resetTime = (failure: SmscxFailure) => timeText((failure.rateLimitReset ?? 0) * 1000);

/**
 * One or two short sentences for the message itself: n8n hands an AI agent only the message, so it says what to
 * do and whether anything was sent or charged. `paid` is true for Send (POST /otp), the only call that costs money.
 */
function outcomeSentence(failure: SmscxFailure, paid: boolean): string {
	const { code, httpStatus } = failure;
	if (failure.kind === 'noToken') return 'Nothing was sent.';
	if (failure.mayHaveBeenProcessed) {
		return paid
			? 'The SMS may have been sent and charged: check with Get Status before sending again.'
			: 'SMS.CX may have processed it: check with Get Status before trying again.';
	}
	if (typeof code === 'number' && NEW_OTP_RULES[code]) {
		const rule = NEW_OTP_RULES[code];
		return `${FIELD_LABELS[rule.field] ?? rule.field} (${rule.field}) ${rule.problem}. ${rule.fix} Nothing was sent.`;
	}
	if (code === 2021) return 'No OTP has this ID in this account: use the otpId from the Send output. Nothing was charged.';
	if (code === 2029 || code === 2027) return 'The PIN is wrong; this used one attempt.';
	if (code === 2030) return 'It was already cancelled: nothing to do.';
	if (code === 2031) return 'Only a pending OTP can be cancelled: use Get Status to see its status.';
	if ((failure.kind === 'unreachable' || failure.kind === 'misconfigured') && failure.networkCode) {
		return 'Nothing was sent: check the Base URL in the credential.';
	}
	if (failure.networkCode) return 'Nothing was charged: try again in a moment.';
	if (httpStatus === 429) {
		return failure.rateLimitReset
			? `Nothing was sent: the rate limit resets at ${resetTime(failure)}.`
			: 'Nothing was sent: the SMS.CX rate limit refused it.';
	}
	if (httpStatus === 401) return 'Nothing was sent: check the API key or token in the SMS.CX API credential.';
	if (failure.type === 'insufficient_scope') return 'Nothing was sent: the token lacks the otp scope.';
	if (failure.type === 'insufficient_credit') return 'Nothing was sent: top up the SMS.CX balance.';
	if (httpStatus !== undefined && httpStatus >= 500) return 'Nothing was charged: try again in a moment.';
	if (httpStatus !== undefined && httpStatus >= 400) return paid ? 'Nothing was sent.' : '';
	return '';
}

/**
 * The error an item fails with when SMS.CX (or the way to it) did not give the expected answer.
 * @param paid whether the call was a Send (a paid SMS), so the message can say what may have been charged
 */
export function smscxApiError(node: INode, failure: SmscxFailure, itemIndex: number, paid = false): NodeApiError {
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
	const outcome = outcomeSentence(failure, paid);
	return new NodeApiError(node, response, {
		message: `SMS.CX: ${failure.message}${answerPart}${outcome ? `. ${outcome}` : ''}`,
		description: `${hintFor(failure)}${requestIdNote}${networkNote}`,
		httpCode: failure.httpStatus !== undefined ? String(failure.httpStatus) : undefined,
		itemIndex,
	});
}

/** The error an item fails with when a parameter cannot be used (see params.ts); nothing was sent. */
export function parameterError(node: INode, problem: ParameterProblem, itemIndex: number): NodeOperationError {
	return new NodeOperationError(node, problem.message, {
		itemIndex,
		description: `${problem.fix} Nothing was sent to SMS.CX and nothing was charged: the item was checked before any request.`,
	});
}

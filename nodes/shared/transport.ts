import { NodeOperationError, sleep } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { SmscxFailure } from './errors';
import { RateLimitPacer } from './pacer';

/**
 * The one HTTP path to SMS.CX: authentication (by the credential), timeout, the retry policy and the
 * description of every failure (what happened, whether it may have been processed).
 *
 * Retry policy, because POST /otp sends a paid SMS and has no idempotency key:
 * - a 429 was not processed: every call waits until X-Rate-Limit-Reset and tries again (bounded);
 * - a connection that could not be opened (refused, unknown host) sent nothing: every call may retry;
 * - a 5xx, a timeout, a dropped connection or an unreadable answer may have been processed: only
 *   idempotent calls (GET) retry, with backoff. POST /otp, verify (counts an attempt) and cancel do not;
 * - a 401 with an OAuth2 token was not processed: the token is renewed and the call sent once more.
 */
export interface RequestPolicy {
	timeoutMs: number;
	rateLimitRetries: number;
	maxRateLimitWaitSeconds: number;
	transientRetries: number;
}

export const DEFAULT_POLICY: RequestPolicy = {
	timeoutMs: 30000,
	rateLimitRetries: 5,
	maxRateLimitWaitSeconds: 60,
	transientRetries: 2,
};

export interface SmscxCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	/** Safe to send again after an ambiguous failure (only GET) */
	idempotent: boolean;
}

interface HttpAnswer {
	kind: 'answer';
	statusCode: number;
	body: unknown;
	headers: IDataObject;
}

interface NetworkFailure {
	kind: 'network';
	code: string;
}

// Connection-phase failures: no byte of the request reached SMS.CX.
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];
const BACKOFF_BASE_MS = 500;
// Renew an OAuth2 token this long before SMS.CX would expire it, so no call meets an expired one.
const TOKEN_RENEWAL_MARGIN_MS = 30000;
const NETWORK_WORDS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ECONNRESET: 'the connection was closed before an answer arrived',
	ECONNABORTED: 'no answer within the timeout',
	ETIMEDOUT: 'no answer within the timeout',
};

function header(headers: IDataObject, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return value === undefined || value === null ? undefined : String(value);
}

function numberHeader(headers: IDataObject, name: string): number | undefined {
	const value = Number(header(headers, name));
	return header(headers, name) !== undefined && Number.isFinite(value) ? value : undefined;
}

function parseBody(body: unknown): IDataObject | undefined {
	if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) return body as IDataObject;
	if (typeof body === 'string') {
		try {
			const parsed = JSON.parse(body);
			return parsed !== null && typeof parsed === 'object' ? (parsed as IDataObject) : undefined;
		} catch {
			return undefined;
		}
	}
	return undefined;
}

export type CallOutcome = { ok: true; body: IDataObject } | { ok: false; failure: SmscxFailure };

/** One per execution: every item's calls share the credential (and its token) and the rate-limit pacer. */
export class SmscxClient {
	private readonly baseUrl: string;

	private readonly usesOAuth: boolean;

	private readonly pacer = new RateLimitPacer();

	/** Set while one call renews the OAuth2 token; the others wait for it instead of fetching their own. */
	private renewal: Promise<void> | undefined;

	/**
	 * @param credentials the decrypted smscxApi credential, shared by every call of an execution: it is
	 *   handed to n8n with each request, so a token n8n renews (and saves) is reused by the next call.
	 */
	constructor(
		private readonly fn: IExecuteFunctions,
		private readonly credentials: ICredentialDataDecryptedObject,
	) {
		this.baseUrl = String(credentials.baseUrl || 'https://api.sms.cx').replace(/\/+$/, '');
		this.usesOAuth = credentials.authType === 'oAuth2ClientCredentials';
	}

	/** Sends one call with the retry policy above; hands back SMS.CX's answer or what went wrong. */
	async attempt(call: SmscxCall, policy: RequestPolicy): Promise<CallOutcome> {
		let rateLimitWaits = 0;
		let transientRetries = 0;
		let tokenRenewed = false;
		for (;;) {
			const outcome = await this.sendWithFreshToken(call, policy);
			const usedToken = this.credentials.oauthAccessToken;
			const failure = this.judge(outcome, call);
			if (!failure) return { ok: true, body: parseBody((outcome as HttpAnswer).body) as IDataObject };

			if (failure.httpStatus === 401 && this.usesOAuth && !tokenRenewed) {
				tokenRenewed = true;
				if (this.credentials.oauthAccessToken === usedToken) this.forgetToken();
				continue;
			}
			if (failure.httpStatus === 429) {
				// The pacer holds every call until the reset; this only bounds how long one item may wait.
				const waitMs = failure.rateLimitReset ? failure.rateLimitReset * 1000 - Date.now() : 1000;
				const withinBounds =
					rateLimitWaits < policy.rateLimitRetries && waitMs <= policy.maxRateLimitWaitSeconds * 1000;
				if (!withinBounds) return { ok: false, failure };
				rateLimitWaits++;
				if (!failure.rateLimitReset) await sleep(1000);
				continue;
			}
			const notSent = outcome.kind === 'network' && NOT_SENT_CODES.includes(outcome.code);
			const retryable = notSent || (call.idempotent && failure.transient === true);
			if (retryable && transientRetries < policy.transientRetries) {
				await sleep(BACKOFF_BASE_MS * 2 ** transientRetries);
				transientRetries++;
				continue;
			}
			return { ok: false, failure };
		}
	}

	private async sendWithFreshToken(call: SmscxCall, policy: RequestPolicy): Promise<HttpAnswer | NetworkFailure> {
		if (!this.usesOAuth) return this.sendOnce(call, policy);
		while (this.renewal) await this.renewal;
		if (!this.tokenExpiresSoon()) return this.sendOnce(call, policy);
		let renewed = () => {};
		this.renewal = new Promise<void>((resolve) => (renewed = resolve));
		this.forgetToken();
		try {
			return await this.sendOnce(call, policy);
		} finally {
			this.renewal = undefined;
			renewed();
		}
	}

	private tokenExpiresSoon(): boolean {
		const expiresAt = Number(this.credentials.oauthExpiresAt ?? 0);
		return !this.credentials.oauthAccessToken || expiresAt - Date.now() < TOKEN_RENEWAL_MARGIN_MS;
	}

	/** An empty expirable field makes n8n call the credential's preAuthentication() before sending. */
	private forgetToken(): void {
		this.credentials.oauthAccessToken = '';
	}

	/** undefined when the answer is a usable success, else what went wrong */
	private judge(outcome: HttpAnswer | NetworkFailure, call: SmscxCall): SmscxFailure | undefined {
		if (outcome.kind === 'network') {
			const notSent = NOT_SENT_CODES.includes(outcome.code);
			// Plain words, not the raw code: n8n swaps messages that contain one for a generic text.
			const what = NETWORK_WORDS[outcome.code] ?? 'the connection failed';
			return {
				networkCode: outcome.code,
				message: notSent ? `could not connect to ${this.baseUrl}: ${what}` : what,
				transient: true,
				mayHaveBeenProcessed: !notSent && !call.idempotent,
			};
		}
		const requestId = header(outcome.headers, 'x-request-id');
		const body = parseBody(outcome.body);
		const ok = outcome.statusCode >= 200 && outcome.statusCode < 300;
		if (ok && body) return undefined;
		if (!body) {
			return {
				httpStatus: outcome.statusCode,
				requestId,
				message: ok
					? 'the answer is not valid JSON'
					: 'the answer is a page, not JSON (from a proxy or gateway on the way?)',
				transient: true,
				mayHaveBeenProcessed: !call.idempotent,
			};
		}
		const apiError = (body.error ?? {}) as IDataObject;
		const reset = Number(header(outcome.headers, 'x-rate-limit-reset'));
		return {
			httpStatus: outcome.statusCode,
			code: typeof apiError.code === 'number' ? apiError.code : undefined,
			type: typeof apiError.type === 'string' ? apiError.type : undefined,
			message: typeof apiError.message === 'string' ? apiError.message : `HTTP ${outcome.statusCode}`,
			requestId,
			rateLimitReset: outcome.statusCode === 429 && Number.isFinite(reset) && reset > 0 ? reset : undefined,
			transient: outcome.statusCode >= 500,
			mayHaveBeenProcessed: outcome.statusCode >= 500 && !call.idempotent,
		};
	}

	private async sendOnce(call: SmscxCall, policy: RequestPolicy): Promise<HttpAnswer | NetworkFailure> {
		const options: IHttpRequestOptions = {
			method: call.method,
			baseURL: this.baseUrl,
			url: call.path,
			json: true,
			timeout: policy.timeoutMs,
			returnFullResponse: true,
			// Every status comes back as an answer; the policy above decides (a 401 included, so token
			// renewal works the same on every n8n version).
			ignoreHttpStatusErrors: true,
			headers: { Accept: 'application/json' },
			...(call.body ? { body: call.body } : {}),
		};
		await this.pacer.beforeSend();
		try {
			const response = (await this.fn.helpers.httpRequestWithAuthentication.call(this.fn, 'smscxApi', options, {
				credentialsDecrypted: { id: 'smscxApi', name: 'SMS.CX API', type: 'smscxApi', data: this.credentials },
			})) as { statusCode: number; body: unknown; headers: IDataObject };
			const headers = response.headers ?? {};
			this.pacer.answered(
				numberHeader(headers, 'x-rate-limit-remaining'),
				response.statusCode === 429 ? numberHeader(headers, 'x-rate-limit-reset') : undefined,
			);
			return { kind: 'answer', statusCode: response.statusCode, body: response.body, headers };
		} catch (error) {
			this.pacer.abandoned();
			// n8n wraps the HTTP client's error; read only its network code, never the request it carries
			// (that holds the credential's headers). HTTP statuses never land here (ignoreHttpStatusErrors).
			const cause = (error as { cause?: unknown }).cause ?? error;
			const { code } = cause as { code?: string };
			// Not a transport failure (e.g. no credential selected): n8n's own error, passed on as is.
			if (!code) throw new NodeOperationError(this.fn.getNode(), error as Error);
			return { kind: 'network', code };
		}
	}
}

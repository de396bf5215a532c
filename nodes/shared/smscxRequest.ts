import { NodeOperationError, sleep } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { withLeaveCheck } from './call';
import type { CallOutcome, CallPolicy, SmscxCall } from './call';
import { causeNamed, networkFailure } from './errors';
import type { FailureKind, SmscxFailure } from './errors';
import type { FairQueue, RateLimitClock, Run } from './fairQueue';
import { locationHost, TOKEN_TIMEOUT_FIELD, TokenHolder, TokenProblem, tokenProblemIn } from './oauth';
import { urlText } from './redact';
import { BACKOFF_BASE_MS, mayHaveBeenProcessed, retryFor } from './retryPolicy';

/**
 * One call to SMS.CX, from its turn to its outcome: take a turn in the fair queue, add the OAuth2 token, send
 * through n8n (redirects never followed: no credential, body or secret reaches another host), read the answer,
 * and try again only as retryPolicy.ts allows.
 */

interface HttpAnswer {
	kind: 'answer';
	statusCode: number;
	body: unknown;
	headers: IDataObject;
	/** The rate-limit reset it named (epoch ms), when believable */
	resetAt?: number;
}

interface NetworkError {
	kind: 'network';
	code: string;
}

export class SmscxRequester {
	private readonly tokens: TokenHolder | undefined;

	constructor(
		private readonly baseUrl: string,
		usesOAuth: boolean,
		private readonly queue: FairQueue,
	) {
		this.tokens = usesOAuth ? new TokenHolder() : undefined;
	}

	/** Sends one call with the retry policy; hands back SMS.CX's answer or what went wrong. */
	async execute(run: Run, call: SmscxCall, policy: CallPolicy): Promise<CallOutcome> {
		const clock: RateLimitClock = {};
		let rateLimitWaits = 0;
		let backoffs = 0;
		let tokenRenewed = false;
		let retry = false;
		for (;;) {
			const token = this.tokens ? await this.tokens.bearer(run.credentials, () => run.ended) : undefined;
			if (token instanceof TokenProblem) return { ok: false, failure: tokenFailure(token) };
			// '' = this call fetches the token: n8n runs preAuthentication (bounded by Timeout through a field it
			// reads and removes), saves the token with the credential and puts it into `data` before sending.
			const fetching = token === '';
			const data: ICredentialDataDecryptedObject = withLeaveCheck(
				token === undefined
					? { ...run.credentials }
					: { ...run.credentials, oauthAccessToken: token, ...(fetching ? { [TOKEN_TIMEOUT_FIELD]: policy.timeoutMs } : {}) },
				() => run.ended,
			);
			let outcome: HttpAnswer | NetworkError | TokenProblem | undefined;
			try {
				const held = await this.queue.turn(run, clock, policy.maxRateLimitWaitSeconds, retry);
				retry = true;
				if (held) return { ok: false, failure: held };
				outcome = await this.send(run, call, policy, data);
			} finally {
				if (fetching) this.tokens?.landed(data, outcome instanceof TokenProblem ? outcome : undefined);
			}
			if (outcome instanceof TokenProblem) return { ok: false, failure: tokenFailure(outcome) };
			const failure = this.judge(outcome, call);
			if (!failure) return { ok: true, body: parseBody((outcome as HttpAnswer).body) as IDataObject };

			const sentToken = fetching ? String(data.oauthAccessToken ?? '') : token;
			switch (retryFor(failure.kind, call.method)) {
				case 'withNewToken':
					if (sentToken === undefined || tokenRenewed) return { ok: false, failure };
					tokenRenewed = true;
					this.tokens?.refused(sentToken);
					continue;
				case 'afterReset':
					// the gate holds it until the reset; the queue fails it if that is past Max Rate Limit Wait
					if (rateLimitWaits >= policy.rateLimitRetries) return { ok: false, failure };
					rateLimitWaits++;
					continue;
				case 'afterBackoff':
					if (backoffs >= policy.transientRetries) return { ok: false, failure };
					await pause(run, BACKOFF_BASE_MS * 2 ** backoffs);
					backoffs++;
					continue;
				default:
					return { ok: false, failure };
			}
		}
	}

	private async send(
		run: Run,
		call: SmscxCall,
		policy: CallPolicy,
		data: ICredentialDataDecryptedObject,
	): Promise<HttpAnswer | NetworkError | TokenProblem> {
		try {
			// One macrotask before leaving: an answer that just freed this turn may fail its item, and the item's
			// run must get to stop (synchronously, in its own promise chain) before this call leaves.
			await sleep(0);
			const ended = run.ended;
			if (ended) throw ended;
			const options: IHttpRequestOptions = {
				method: call.method,
				baseURL: this.baseUrl,
				url: call.path,
				json: true,
				timeout: policy.timeoutMs,
				returnFullResponse: true,
				// Every status comes back as an answer; the policy decides (a 401 and a 3xx included).
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				headers: { Accept: 'application/json' },
				...(call.body ? { body: call.body } : {}),
			};
			const response = (await run.fn.helpers.httpRequestWithAuthentication.call(run.fn, 'smscxApi', options, {
				credentialsDecrypted: { id: 'smscxApi', name: 'SMS.CX API', type: 'smscxApi', data },
			})) as { statusCode: number; body: unknown; headers: IDataObject };
			const headers = response.headers ?? {};
			// learnt before the turn is settled, so the next turn already knows
			const resetAt = this.queue.gate.learn(response.statusCode, headers, Date.now());
			return { kind: 'answer', statusCode: response.statusCode, body: response.body, headers, resetAt };
		} catch (error) {
			// The run ended while n8n fetched the token: the credential's leave check kept the call home.
			const kept = causeNamed(error, 'NotSent');
			if (kept) throw run.ended ?? kept;
			// The token still empty: the credential's token request failed and this call never left.
			if (this.tokens && data.oauthAccessToken === '') return tokenProblemIn(error);
			// n8n wraps the HTTP client's error; read only its network code, never the request it carries
			// (that holds the credential's headers). HTTP statuses never land here (ignoreHttpStatusErrors).
			const code = networkCodeIn(error);
			// Not a transport failure (e.g. no credential selected): n8n's own error, passed on as is.
			if (!code) throw new NodeOperationError(run.fn.getNode(), error as Error);
			return { kind: 'network', code };
		} finally {
			this.queue.settled();
		}
	}

	/** undefined when the answer is a usable success, else what went wrong */
	private judge(outcome: HttpAnswer | NetworkError, call: SmscxCall): SmscxFailure | undefined {
		if (outcome.kind === 'network') {
			const { kind, words } = networkFailure(outcome.code);
			const leftNothing = kind === 'unreachable' || kind === 'misconfigured';
			return {
				kind,
				networkCode: outcome.code,
				message: leftNothing ? `could not connect to ${urlText(this.baseUrl)}: ${words}` : words,
				mayHaveBeenProcessed: mayHaveBeenProcessed(kind, call.method),
			};
		}
		const { statusCode, headers, resetAt } = outcome;
		const requestId = headers['x-request-id'] === undefined ? undefined : String(headers['x-request-id']).slice(0, 100);
		if (statusCode >= 300 && statusCode < 400) {
			return {
				kind: 'misconfigured',
				httpStatus: statusCode,
				requestId,
				message: `the Base URL answered with a redirect to ${locationHost(headers, this.baseUrl)}, which was not followed (the SMS.CX API does not redirect; nothing was sent there). Check the Base URL in the credential`,
			};
		}
		const body = parseBody(outcome.body);
		const ok = statusCode >= 200 && statusCode < 300;
		if (ok && body) return undefined;
		if (!body) {
			return {
				kind: 'mayHaveLeft',
				httpStatus: statusCode,
				requestId,
				message: ok
					? 'the answer is not valid JSON'
					: 'the answer is a page, not JSON (from a proxy or gateway on the way?)',
				mayHaveBeenProcessed: mayHaveBeenProcessed('mayHaveLeft', call.method),
			};
		}
		const ownError = typeof body.error === 'object' && body.error !== null && !Array.isArray(body.error);
		const apiError = (ownError ? body.error : {}) as IDataObject;
		const kind: FailureKind =
			statusCode === 429
				? 'rateLimited'
				: statusCode === 401
					? 'unauthorized'
					: statusCode >= 500
						? ownError
							? 'serverError'
							: 'mayHaveLeft'
						: 'answered';
		return {
			kind,
			httpStatus: statusCode,
			code: typeof apiError.code === 'number' ? apiError.code : undefined,
			type: typeof apiError.type === 'string' ? apiError.type : undefined,
			message: typeof apiError.message === 'string' ? apiError.message : `HTTP ${statusCode}`,
			requestId,
			rateLimitReset: kind === 'rateLimited' && resetAt !== undefined && resetAt > Date.now() ? Math.ceil(resetAt / 1000) : undefined,
			mayHaveBeenProcessed: mayHaveBeenProcessed(kind, call.method),
		};
	}
}

function tokenFailure(problem: TokenProblem): SmscxFailure {
	const what = problem.networkCode ? `: ${networkFailure(problem.networkCode).words}` : '';
	return {
		kind: 'noToken',
		httpStatus: problem.httpStatus,
		type: problem.type,
		networkCode: problem.networkCode,
		message: `${problem.message.replace(/\.$/, '')}${what}`,
	};
}

/**
 * The network code of the HTTP client's error inside n8n's NodeApiError (as `cause`, or as `errorResponse` for
 * errors thrown before a connection, such as an invalid URL). Only the code is read.
 */
function networkCodeIn(error: unknown): string | undefined {
	let cause = error as { code?: unknown; cause?: unknown; errorResponse?: unknown } | undefined;
	for (let depth = 0; cause && depth < 5; depth++) {
		if (typeof cause.code === 'string' && /^[A-Z][A-Z0-9_]{1,60}$/.test(cause.code)) return cause.code;
		cause = (cause.cause ?? cause.errorResponse) as typeof cause;
	}
	return undefined;
}

/** A backoff wait that ends early when the run is cancelled (then the call is not sent again). */
async function pause(run: Run, ms: number): Promise<void> {
	const until = Date.now() + ms;
	while (Date.now() < until) {
		if (run.ended) throw run.ended;
		await sleep(Math.min(until - Date.now(), 100));
	}
	if (run.ended) throw run.ended;
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

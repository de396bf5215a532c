import { createHash } from 'crypto';
import { NodeOperationError, sleep } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { SmscxFailure } from './errors';
import { baseUrlOf, locationHost, TOKEN_TIMEOUT_FIELD, tokenBinding, TokenProblem } from './oauth';

/**
 * The one way to SMS.CX: one dispatcher per credential per n8n process, shared by every execution and every
 * SMS.CX node that uses the credential. Read top to bottom:
 *
 * 1. Registry: dispatcherFor(credentials) finds or makes the credential's dispatcher, keyed by a hash (never
 *    the secret itself); idle entries are released and the registry is bounded.
 * 2. Runs: each node execution opens a Run (its lane). A run holds at most Concurrency calls active; the rest
 *    wait in the run's backlog. A run can be stopped (On Error: Stop Workflow) or cancelled (the execution's
 *    cancel signal): its calls that have not left never leave.
 * 3. Turns: an active call asks for a turn. Turns are handed out round robin between runs (a 2,000-item run
 *    and a one-item sign-up alternate), within the rate limit learned from the headers:
 *    - X-Rate-Limit-Remaining says what is left of the window; until an answer says so, one call probes;
 *    - a 429's X-Rate-Limit-Reset closes the gate until then (a past or missing reset: the learned window,
 *      or 1 s), plus a little jitter; two resets teach the window length, so later windows are waited out
 *      without a probe and refill to X-Rate-Limit-Limit;
 *    - a call is held for the rate limit at most Max Rate Limit Wait from when it became active: a call the
 *      gate would hold longer fails at once, naming the reset time, and nothing leaves after its deadline.
 * 4. Calls: the retry policy, because POST /otp sends a paid SMS and has no idempotency key:
 *    - a 429 was not processed: the call takes another turn (at most Rate Limit Retries times);
 *    - a connection that could not be opened sent nothing: every call may retry, with backoff;
 *    - a 5xx, a timeout, a dropped connection or an unreadable answer may have been processed: only GETs
 *      retry. Send, Verify (counts an attempt) and Cancel do not;
 *    - a 3xx is a failure naming the Location's host: redirects are never followed (no credential, body or
 *      secret reaches another host);
 *    - OAuth2: the dispatcher holds the token. It adopts the one n8n saved with the credential when that was
 *      issued for these settings; otherwise one call (single flight) goes with the stored token emptied, so n8n
 *      runs the credential's preAuthentication (the token request) and SAVES the result with the credential,
 *      where other processes (queue-mode workers, CLI runs) and later executions find it. The other calls wait
 *      for it. A 401 renews only the token that was refused, and the call is sent once more.
 */

export interface CallPolicy {
	timeoutMs: number;
	rateLimitRetries: number;
	maxRateLimitWaitSeconds: number;
	transientRetries: number;
}

export const DEFAULT_POLICY: CallPolicy = {
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

export type CallOutcome = { ok: true; body: IDataObject } | { ok: false; failure: SmscxFailure };

/** A call that never left because its run stopped or was cancelled. */
export class NotSent extends Error {
	constructor(readonly reason: 'stopped' | 'cancelled') {
		super(
			reason === 'stopped'
				? 'Not sent: the run stopped after another item failed'
				: 'Not sent: the execution was cancelled',
		);
		this.name = 'NotSent';
	}
}

// ---------------------------------------------------------------------------------------------- 1. registry

const MAX_DISPATCHERS = 100;
const IDLE_RELEASE_MS = 10 * 60 * 1000;
const registry = new Map<string, Dispatcher>();

function keyOf(credentials: ICredentialDataDecryptedObject): string {
	const authType = String(credentials.authType ?? 'apiKey');
	const secret =
		authType === 'accessToken'
			? [credentials.accessToken]
			: authType === 'oAuth2ClientCredentials'
				? [credentials.applicationId, credentials.applicationSecret, credentials.scope]
				: [credentials.apiKey];
	const text = JSON.stringify([authType, ...secret.map((part) => String(part ?? '')), baseUrlOf(credentials)]);
	return createHash('sha256').update(text).digest('hex');
}

/** The credential's dispatcher in this process. */
export function dispatcherFor(credentials: ICredentialDataDecryptedObject): Dispatcher {
	const key = keyOf(credentials);
	let dispatcher = registry.get(key);
	if (dispatcher) {
		registry.delete(key); // re-inserted below: the Map's order is least recently used first
	} else {
		const now = Date.now();
		for (const [other, entry] of registry) {
			if (entry.idleSince !== undefined && now - entry.idleSince > IDLE_RELEASE_MS) registry.delete(other);
		}
		// Still full: release the least recently used (its running executions keep their reference).
		while (registry.size >= MAX_DISPATCHERS) registry.delete(registry.keys().next().value as string);
		dispatcher = new Dispatcher(credentials);
	}
	registry.set(key, dispatcher);
	return dispatcher;
}

/** Forgets every dispatcher, as a fresh n8n process would (for tests and tooling that restart SMS.CX). */
export function forgetDispatchers(): void {
	registry.clear();
}

// -------------------------------------------------------------------------------------------------- 2. runs

/** One node execution's lane in its credential's dispatcher. */
export class Run {
	stopped = false;

	cancelled = false;

	private active = 0;

	private backlog: Array<{ go: () => void; fail: (error: NotSent) => void }> = [];

	constructor(
		private readonly dispatcher: Dispatcher,
		readonly fn: IExecuteFunctions,
		readonly credentials: ICredentialDataDecryptedObject,
		private readonly concurrency: number,
		signal: AbortSignal | undefined,
	) {
		if (signal?.aborted) this.cancel();
		signal?.addEventListener('abort', () => this.cancel(), { once: true });
	}

	/**
	 * Sends one call under the policy. `beforeCall` runs right before the call is queued for sending (throw
	 * to refuse it). Rejects with NotSent when the run stopped or was cancelled before the call left.
	 */
	async call(call: SmscxCall, policy: CallPolicy, beforeCall?: () => void): Promise<CallOutcome> {
		await this.slot();
		try {
			beforeCall?.();
			return await this.dispatcher.execute(this, call, policy);
		} finally {
			this.release();
		}
	}

	/** Nothing of this run that has not left yet will leave (the calls in flight finish). */
	stop(): void {
		this.end('stopped');
	}

	/** Cancelled: stop waiting at once and send nothing more. */
	cancel(): void {
		this.end('cancelled');
	}

	get ended(): NotSent | undefined {
		if (this.cancelled) return new NotSent('cancelled');
		if (this.stopped) return new NotSent('stopped');
		return undefined;
	}

	/** The execution is done with the dispatcher. */
	close(): void {
		this.dispatcher.detach(this);
	}

	private end(reason: 'stopped' | 'cancelled'): void {
		if (reason === 'cancelled') this.cancelled = true;
		else this.stopped = true;
		const waiting = this.backlog;
		this.backlog = [];
		for (const entry of waiting) entry.fail(new NotSent(reason));
		this.dispatcher.drop(this, new NotSent(reason));
	}

	private async slot(): Promise<void> {
		const ended = this.ended;
		if (ended) throw ended;
		if (this.active < this.concurrency) {
			this.active++;
			return;
		}
		await new Promise<void>((go, fail) => this.backlog.push({ go, fail }));
	}

	private release(): void {
		const next = this.ended ? undefined : this.backlog.shift();
		if (next) next.go(); // the slot passes on
		else this.active--;
	}
}

// ------------------------------------------------------------------------------------------------- 3. turns

/** An active call waiting for its turn to send. */
interface Ticket {
	run: Run;
	/** Epoch ms after which this call may not be held for the rate limit */
	deadline: number;
	maxWaitSeconds: number;
	/** undefined: go now; a failure: the rate limit would hold it past its deadline */
	resolve: (held: SmscxFailure | undefined) => void;
	reject: (error: NotSent) => void;
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
const BACKOFF_BASE_MS = 500;
/** A dispatcher never has more calls in flight than this, whatever the runs' Concurrency adds up to. */
const MAX_IN_FLIGHT = 50;
/** The gate's timer wakes at least this often, so no timer is ever longer (no overflow). */
const TICK_MS = 1000;
const MAX_JITTER_MS = 200;
/** Renew an OAuth2 token this long before it expires (or at half its lifetime, when that is shorter). */
const TOKEN_RENEWAL_MARGIN_MS = 30000;

const jitter = () => Math.floor(Math.random() * MAX_JITTER_MS);

function numberHeader(headers: IDataObject, name: string): number | undefined {
	const raw = headers[name];
	if (raw === undefined || raw === null || raw === '') return undefined;
	const value = Number(raw);
	return Number.isFinite(value) ? value : undefined;
}

export class Dispatcher {
	/** Since when no run uses it (undefined while in use); the registry releases long-idle ones. */
	idleSince: number | undefined = Date.now();

	private readonly baseUrl: string;

	private readonly usesOAuth: boolean;

	private runs = new Set<Run>();

	// the queue: each run's tickets, and the order in which runs get their next turn
	private tickets = new Map<Run, Ticket[]>();

	private order: Run[] = [];

	private inFlight = 0;

	// what the headers taught about the rate limit
	private limit: number | undefined;

	private remaining: number | undefined;

	private gateUntil = 0;

	/** The window refills (to `limit`) when the gate opens */
	private refillAtGate = false;

	private lastResetSeconds: number | undefined;

	private windowMs: number | undefined;

	private ticking = false;

	// OAuth2
	private token: { value: string; renewAt: number } | undefined;

	/** Set while one call fetches a token through n8n; the other calls wait until it ends. */
	private flight: Flight | undefined;

	private refusedToken: string | undefined;

	constructor(credentials: ICredentialDataDecryptedObject) {
		this.baseUrl = baseUrlOf(credentials);
		this.usesOAuth = credentials.authType === 'oAuth2ClientCredentials';
	}

	open(
		fn: IExecuteFunctions,
		credentials: ICredentialDataDecryptedObject,
		concurrency: number,
		signal?: AbortSignal,
	): Run {
		const run = new Run(this, fn, credentials, concurrency, signal);
		this.runs.add(run);
		this.idleSince = undefined;
		return run;
	}

	detach(run: Run): void {
		this.drop(run, new NotSent('stopped'));
		this.runs.delete(run);
		if (this.runs.size === 0) this.idleSince = Date.now();
	}

	/** Takes the run's waiting calls out of the queue; they never leave. */
	drop(run: Run, reason: NotSent): void {
		const waiting = this.tickets.get(run) ?? [];
		this.tickets.delete(run);
		this.order = this.order.filter((other) => other !== run);
		for (const ticket of waiting) ticket.reject(reason);
	}

	/** Resolves when the call may leave, or with a failure when the rate limit would hold it too long. */
	private turn(run: Run, deadline: number, maxWaitSeconds: number, first: boolean): Promise<SmscxFailure | undefined> {
		const ended = run.ended;
		if (ended) return Promise.reject(ended);
		return new Promise((resolve, reject) => {
			const ticket: Ticket = { run, deadline, maxWaitSeconds, resolve, reject };
			const queue = this.tickets.get(run);
			if (queue) {
				// a call coming back after a 429 goes first in its run: it was active before the others
				if (first) queue.push(ticket);
				else queue.unshift(ticket);
			} else {
				this.tickets.set(run, [ticket]);
				this.order.push(run);
			}
			this.pump();
		});
	}

	/** Hands out turns while the rate limit allows; fails the calls it would hold past their deadline. */
	private pump(): void {
		for (;;) {
			const now = Date.now();
			if (this.refillAtGate && now >= this.gateUntil) {
				this.refillAtGate = false;
				this.remaining = this.limit;
			}
			if (this.order.length === 0 || now < this.gateUntil || this.inFlight >= MAX_IN_FLIGHT) break;
			const room = this.remaining === undefined ? 0 : this.remaining - this.inFlight;
			if (room <= 0) {
				const reset = this.predictedResetMs(now);
				if (reset !== undefined) {
					// the window is used up and its end is known: wait for it instead of probing
					this.gateUntil = reset;
					this.refillAtGate = true;
					continue;
				}
				// unknown: one call at a time probes until an answer says more
				if (this.inFlight > 0) break;
			}
			this.grant();
		}
		// whoever is still waiting is held by the rate limit
		this.failHopeless(Math.max(Date.now(), this.gateUntil));
		if (this.order.length > 0 && !this.ticking) void this.tick();
	}

	private grant(): void {
		const run = this.order.shift() as Run;
		const queue = this.tickets.get(run) as Ticket[];
		const ticket = queue.shift() as Ticket;
		if (queue.length > 0) this.order.push(run); // round robin between runs
		else this.tickets.delete(run);
		this.inFlight++;
		ticket.resolve(undefined);
	}

	private failHopeless(opensAt: number): void {
		for (const [run, queue] of this.tickets) {
			const keep = queue.filter((ticket) => ticket.deadline >= opensAt);
			if (keep.length === queue.length) continue;
			for (const ticket of queue) {
				if (ticket.deadline < opensAt) ticket.resolve(this.heldTooLong(opensAt, ticket.maxWaitSeconds));
			}
			if (keep.length > 0) this.tickets.set(run, keep);
			else {
				this.tickets.delete(run);
				this.order = this.order.filter((other) => other !== run);
			}
		}
	}

	private heldTooLong(opensAtMs: number, maxWaitSeconds: number): SmscxFailure {
		const at = new Date(opensAtMs).toISOString();
		return {
			httpStatus: 429,
			message: `the rate limit would hold this call until ${at}, longer than Max Rate Limit Wait (${maxWaitSeconds} s); it was not sent`,
			rateLimitReset: Math.ceil(opensAtMs / 1000),
			transient: false,
			mayHaveBeenProcessed: false,
		};
	}

	/** One timer per dispatcher while calls wait: wakes at the gate, at the next deadline, or after TICK_MS. */
	private async tick(): Promise<void> {
		this.ticking = true;
		try {
			while (this.order.length > 0) {
				const now = Date.now();
				let next = now + TICK_MS;
				if (this.gateUntil > now) next = Math.min(next, this.gateUntil);
				for (const queue of this.tickets.values()) for (const ticket of queue) next = Math.min(next, ticket.deadline + 1);
				await sleep(Math.max(1, next - now));
				this.pump();
			}
		} finally {
			this.ticking = false;
		}
	}

	/** The next window start after now, once two 429s taught the window length. */
	private predictedResetMs(now: number): number | undefined {
		if (this.lastResetSeconds === undefined || this.windowMs === undefined) return undefined;
		const last = this.lastResetSeconds * 1000;
		const windows = last > now ? 0 : Math.floor((now - last) / this.windowMs) + 1;
		return last + windows * this.windowMs + jitter();
	}

	/** What an answer says about the rate limit. */
	private learn(answer: HttpAnswer): void {
		const { headers } = answer;
		const limit = numberHeader(headers, 'x-rate-limit-limit');
		if (limit !== undefined && limit > 0) this.limit = limit;
		if (answer.statusCode !== 429) {
			const remaining = numberHeader(headers, 'x-rate-limit-remaining');
			if (remaining !== undefined && !this.refillAtGate) this.remaining = remaining;
			return;
		}
		const now = Date.now();
		const reset = numberHeader(headers, 'x-rate-limit-reset');
		if (reset !== undefined && reset > 0) {
			if (this.lastResetSeconds !== undefined && reset > this.lastResetSeconds) {
				const window = (reset - this.lastResetSeconds) * 1000;
				this.windowMs = Math.min(this.windowMs ?? window, window);
			}
			this.lastResetSeconds = Math.max(this.lastResetSeconds ?? 0, reset);
		}
		// A reset that is missing or already past (the header is whole seconds, clocks differ) never means
		// "retry now": wait the learned window, or 1 s.
		const resetMs = reset !== undefined ? reset * 1000 : 0;
		const opens = resetMs > now ? resetMs : now + (this.windowMs ?? 1000);
		this.gateUntil = Math.max(this.gateUntil, opens + jitter());
		this.refillAtGate = true;
		this.remaining = 0;
	}

	// --------------------------------------------------------------------------------------------- 4. calls

	/** Sends one call with the retry policy above; hands back SMS.CX's answer or what went wrong. */
	async execute(run: Run, call: SmscxCall, policy: CallPolicy): Promise<CallOutcome> {
		const deadline = Date.now() + policy.maxRateLimitWaitSeconds * 1000;
		let rateLimitWaits = 0;
		let transientRetries = 0;
		let tokenRenewed = false;
		let first = true;
		for (;;) {
			let token: string | undefined;
			if (this.usesOAuth) {
				const bearer = await this.bearer(run);
				if (bearer instanceof TokenProblem) return { ok: false, failure: tokenFailure(bearer) };
				token = bearer;
			}
			// '' = this call fetches the token: n8n runs preAuthentication (bounded by Timeout through a field it
			// reads and removes), saves the token with the credential and puts it into `data` before sending.
			const fetching = token === '';
			const data: ICredentialDataDecryptedObject =
				token === undefined
					? run.credentials
					: { ...run.credentials, oauthAccessToken: token, ...(fetching ? { [TOKEN_TIMEOUT_FIELD]: policy.timeoutMs } : {}) };
			let outcome: HttpAnswer | NetworkFailure | TokenProblem | undefined;
			try {
				const held = await this.turn(run, deadline, policy.maxRateLimitWaitSeconds, first);
				first = false;
				if (held) return { ok: false, failure: held };
				outcome = await this.send(run, call, policy, data);
			} finally {
				if (fetching) this.landed(data, outcome instanceof TokenProblem ? outcome : undefined);
			}
			if (outcome instanceof TokenProblem) return { ok: false, failure: tokenFailure(outcome) };
			token = fetching ? String(data.oauthAccessToken ?? '') : token;
			const failure = this.judge(outcome, call);
			if (!failure) return { ok: true, body: parseBody((outcome as HttpAnswer).body) as IDataObject };

			if (failure.httpStatus === 401 && token !== undefined && !tokenRenewed) {
				tokenRenewed = true;
				this.refused(token);
				continue;
			}
			if (failure.httpStatus === 429) {
				if (rateLimitWaits >= policy.rateLimitRetries) return { ok: false, failure };
				rateLimitWaits++;
				continue; // the gate holds it until the reset; failHopeless ends it if that is past its deadline
			}
			const notSent = outcome.kind === 'network' && NOT_SENT_CODES.includes(outcome.code);
			const retryable = notSent || (call.idempotent && failure.transient === true);
			if (!retryable || transientRetries >= policy.transientRetries) return { ok: false, failure };
			await pause(run, BACKOFF_BASE_MS * 2 ** transientRetries);
			transientRetries++;
		}
	}

	private async send(
		run: Run,
		call: SmscxCall,
		policy: CallPolicy,
		data: ICredentialDataDecryptedObject,
	): Promise<HttpAnswer | NetworkFailure | TokenProblem> {
		// One macrotask before leaving: an answer that just freed this turn may fail its item, and the item's
		// run must get to stop (synchronously, in its own promise chain) before this call leaves.
		await sleep(0);
		const ended = run.ended;
		if (ended) {
			this.settled();
			throw ended;
		}
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
		try {
			const response = (await run.fn.helpers.httpRequestWithAuthentication.call(run.fn, 'smscxApi', options, {
				credentialsDecrypted: { id: 'smscxApi', name: 'SMS.CX API', type: 'smscxApi', data },
			})) as { statusCode: number; body: unknown; headers: IDataObject };
			const answer: HttpAnswer = {
				kind: 'answer',
				statusCode: response.statusCode,
				body: response.body,
				headers: response.headers ?? {},
			};
			this.learn(answer);
			return answer;
		} catch (error) {
			// The token still empty: the credential's token request failed and this call never left.
			if (this.usesOAuth && data.oauthAccessToken === '') return tokenProblemIn(error);
			// n8n wraps the HTTP client's error; read only its network code, never the request it carries
			// (that holds the credential's headers). HTTP statuses never land here (ignoreHttpStatusErrors).
			const cause = (error as { cause?: unknown }).cause ?? error;
			const { code } = cause as { code?: string };
			// Not a transport failure (e.g. no credential selected): n8n's own error, passed on as is.
			if (!code) throw new NodeOperationError(run.fn.getNode(), error as Error);
			return { kind: 'network', code };
		} finally {
			this.settled();
		}
	}

	private settled(): void {
		this.inFlight--;
		this.pump();
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
		const { statusCode, headers } = outcome;
		const requestId = headers['x-request-id'] === undefined ? undefined : String(headers['x-request-id']);
		if (statusCode >= 300 && statusCode < 400) {
			return {
				httpStatus: statusCode,
				requestId,
				message: `the Base URL answered with a redirect to ${locationHost(headers, this.baseUrl)}, which was not followed (the SMS.CX API does not redirect; nothing was sent there). Check the Base URL in the credential`,
				transient: false,
				mayHaveBeenProcessed: false,
			};
		}
		const body = parseBody(outcome.body);
		const ok = statusCode >= 200 && statusCode < 300;
		if (ok && body) return undefined;
		if (!body) {
			return {
				httpStatus: statusCode,
				requestId,
				message: ok
					? 'the answer is not valid JSON'
					: 'the answer is a page, not JSON (from a proxy or gateway on the way?)',
				transient: true,
				mayHaveBeenProcessed: !call.idempotent,
			};
		}
		const apiError = (body.error ?? {}) as IDataObject;
		const reset = numberHeader(headers, 'x-rate-limit-reset');
		return {
			httpStatus: statusCode,
			code: typeof apiError.code === 'number' ? apiError.code : undefined,
			type: typeof apiError.type === 'string' ? apiError.type : undefined,
			message: typeof apiError.message === 'string' ? apiError.message : `HTTP ${statusCode}`,
			requestId,
			rateLimitReset: statusCode === 429 && reset !== undefined && reset > 0 ? reset : undefined,
			transient: statusCode >= 500,
			mayHaveBeenProcessed: statusCode >= 500 && !call.idempotent,
		};
	}

	// -------------------------------------------------------------------------------------------- OAuth2

	/**
	 * The token to send: the one held, the one n8n saved with the credential if it was issued for these very
	 * settings, or '' when this call is the one that fetches a new token (the others wait for it), or why the
	 * token request it waited for failed.
	 */
	private async bearer(run: Run): Promise<string | TokenProblem> {
		for (;;) {
			const now = Date.now();
			if (!this.token || now >= this.token.renewAt) this.adoptStored(run.credentials, now);
			if (this.token && now < this.token.renewAt) return this.token.value;
			const flight = this.flight;
			if (!flight) {
				this.flight = newFlight();
				return '';
			}
			// wake at least every TICK_MS, so a cancelled run stops waiting within a second
			while (this.flight === flight) {
				if (run.ended) throw run.ended;
				await Promise.race([flight.landed, sleep(TICK_MS)]);
			}
			if (flight.problem) return flight.problem;
		}
	}

	/** A saved token not about to expire, issued for the current application ID, scope and Base URL. */
	private adoptStored(credentials: ICredentialDataDecryptedObject, now: number): void {
		const stored = String(credentials.oauthAccessToken ?? '');
		if (!stored || stored === this.refusedToken || credentials.oauthTokenBinding !== tokenBinding(credentials)) return;
		const expiresAt = Number(credentials.oauthExpiresAt) || 0;
		if (expiresAt !== 0 && expiresAt - now < TOKEN_RENEWAL_MARGIN_MS) return;
		if (this.token?.value === stored) return; // the one held, already due
		this.token = { value: stored, renewAt: renewalOf(expiresAt, now) };
	}

	/** The fetching call is done: hold the token n8n put into its credential data (if any); waiters go on. */
	private landed(data: ICredentialDataDecryptedObject, problem: TokenProblem | undefined): void {
		const flight = this.flight as Flight;
		const value = String(data.oauthAccessToken ?? '');
		if (value) this.token = { value, renewAt: renewalOf(Number(data.oauthExpiresAt) || 0, Date.now()) };
		flight.problem = problem;
		this.flight = undefined;
		flight.land();
	}

	/** SMS.CX answered 401 to this token: forget it, unless another call already replaced it. */
	private refused(value: string): void {
		this.refusedToken = value;
		if (this.token?.value === value) this.token = undefined;
	}
}

interface Flight {
	landed: Promise<void>;
	land: () => void;
	/** Why no token came (the waiters fail with it: nothing was sent) */
	problem?: TokenProblem;
}

function newFlight(): Flight {
	let land = () => {};
	const landed = new Promise<void>((resolve) => (land = resolve));
	return { landed, land };
}

/** When to renew a token expiring at expiresAt (0: never): the margin before, or half a shorter lifetime. */
function renewalOf(expiresAt: number, now: number): number {
	if (expiresAt === 0) return Infinity;
	const lifetime = expiresAt - now;
	return expiresAt - (lifetime > TOKEN_RENEWAL_MARGIN_MS ? TOKEN_RENEWAL_MARGIN_MS : lifetime / 2);
}

/** The credential's TokenProblem inside n8n's wrapping errors (matched by name: n8n may load it twice). */
function tokenProblemIn(error: unknown): TokenProblem {
	let cause = error as { name?: string; message?: string; cause?: unknown } | undefined;
	for (let depth = 0; cause && depth < 5; depth++) {
		if (cause.name === 'TokenProblem') {
			const found = cause as unknown as TokenProblem;
			return new TokenProblem(String(found.message), found.httpStatus, found.type, found.networkCode);
		}
		cause = cause.cause as typeof cause;
	}
	return new TokenProblem('could not get an OAuth2 access token.');
}

function tokenFailure(problem: TokenProblem): SmscxFailure {
	const what = problem.networkCode ? `: ${NETWORK_WORDS[problem.networkCode] ?? 'the connection failed'}.` : '';
	return {
		httpStatus: problem.httpStatus,
		type: problem.type,
		networkCode: problem.networkCode,
		message: `${problem.message}${what} Nothing was sent`,
		transient: false,
		mayHaveBeenProcessed: false,
	};
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

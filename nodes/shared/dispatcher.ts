import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import { FairQueue, Run } from './fairQueue';
import { baseUrlOf } from './oauth';
import { SmscxRequester } from './smscxRequest';

export { DEFAULT_POLICY, NotSent } from './call';
export type { CallOutcome, CallPolicy, SmscxCall } from './call';
export type { Run } from './fairQueue';

/**
 * The one way to SMS.CX: one dispatcher per credential per n8n process, shared by every execution and every
 * SMS.CX node that uses the credential. `dispatcherFor(credentials).open(...)` gives a node execution its Run;
 * `run.call(call, policy)` sends. The parts, each in its own file:
 * - call.ts: what the operations hand over (SmscxCall, CallPolicy) and get back (CallOutcome, NotSent);
 * - fairQueue.ts: runs, Concurrency slots, round robin between runs, Max Rate Limit Wait, stop and cancel;
 * - rateLimit.ts: the rate-limit gate and the one bounded parser of the X-Rate-Limit-* headers;
 * - smscxRequest.ts: one call from its turn to its outcome; retryPolicy.ts: what is tried again, by method;
 * - oauth.ts: the OAuth2 token (single flight); errors.ts: failures classified by code, and their messages.
 *
 * The registry below finds or makes the credential's dispatcher, keyed by a hash (never the secret itself).
 * A dispatcher in use is never released (one credential has one gate and one token holder); idle ones are
 * released after IDLE_RELEASE_MS, or the least recently used idle one when the registry is full.
 */

const MAX_DISPATCHERS = 100;
const IDLE_RELEASE_MS = 10 * 60 * 1000;
const registry = new Map<string, Dispatcher>();

export class Dispatcher {
	/** Since when no run uses it (undefined while in use) */
	idleSince: number | undefined = Date.now();

	private readonly runs = new Set<Run>();

	private readonly queue = new FairQueue();

	private readonly requester: SmscxRequester;

	constructor(credentials: ICredentialDataDecryptedObject) {
		const usesOAuth = credentials.authType === 'oAuth2ClientCredentials';
		this.requester = new SmscxRequester(baseUrlOf(credentials), usesOAuth, this.queue);
	}

	/** A node execution's lane; close() it when the execution is done with it. */
	open(
		fn: IExecuteFunctions,
		credentials: ICredentialDataDecryptedObject,
		concurrency: number,
		signal?: AbortSignal,
	): Run {
		const run = new Run(
			this.queue,
			async (each, call, policy) => await this.requester.execute(each, call, policy),
			(closed) => this.detach(closed, signal),
			fn,
			credentials,
			concurrency,
		);
		this.runs.add(run);
		this.idleSince = undefined;
		if (signal?.aborted) run.cancel();
		else if (signal) joinExecution(signal, run);
		return run;
	}

	private detach(run: Run, signal: AbortSignal | undefined): void {
		if (signal) leaveExecution(signal, run);
		this.runs.delete(run);
		if (this.runs.size === 0) this.idleSince = Date.now();
	}
}

// The runs of each execution and its one abort listener, whatever the number of its runs (12 tool calls of an
// agent: one listener), removed when its last run closes: it holds the runs and their decrypted credentials.
const executions = new WeakMap<AbortSignal, { runs: Set<Run>; onAbort: () => void }>();

function joinExecution(signal: AbortSignal, run: Run): void {
	let execution = executions.get(signal);
	if (!execution) {
		const runs = new Set<Run>();
		const onAbort = () => {
			for (const each of runs) each.cancel();
		};
		execution = { runs, onAbort };
		executions.set(signal, execution);
		signal.addEventListener('abort', onAbort, { once: true });
	}
	execution.runs.add(run);
}

function leaveExecution(signal: AbortSignal, run: Run): void {
	const execution = executions.get(signal);
	if (!execution) return;
	execution.runs.delete(run);
	if (execution.runs.size > 0) return;
	signal.removeEventListener('abort', execution.onAbort);
	executions.delete(signal);
}

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
		releaseIdle();
		dispatcher = new Dispatcher(credentials);
	}
	registry.set(key, dispatcher);
	return dispatcher;
}

/** Releases long-idle dispatchers, then idle ones (least recently used first) while the registry is full. */
function releaseIdle(): void {
	const now = Date.now();
	const idle = [...registry].filter(([, entry]) => entry.idleSince !== undefined);
	for (const [key, entry] of idle) {
		if (now - (entry.idleSince as number) > IDLE_RELEASE_MS) registry.delete(key);
	}
	// Still full: the least recently used idle ones go; in-use ones stay, even past the bound.
	for (const [key] of idle) {
		if (registry.size < MAX_DISPATCHERS) break;
		registry.delete(key);
	}
}

/** Forgets every dispatcher, as a fresh n8n process would (for tests and tooling that restart SMS.CX). */
export function forgetDispatchers(): void {
	registry.clear();
}

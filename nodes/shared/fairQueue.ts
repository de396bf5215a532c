import { sleep } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';

import type { CallOutcome, CallPolicy, SmscxCall } from './call';
import { NotSent } from './call';
import type { SmscxFailure } from './errors';
import { RateLimitGate, timeText } from './rateLimit';

/**
 * Who sends next, for one credential. Read top to bottom:
 * - a Run is one node execution's lane: at most Concurrency of its calls are active (hold a slot), the rest
 *   wait in its backlog. A run can be stopped (On Error: Stop Workflow) or cancelled (the execution's cancel
 *   signal); its calls that have not left never leave;
 * - an active call asks the FairQueue for a turn. Turns go round robin between runs (a 2,000-item run and a
 *   one-item sign-up alternate), while the rate-limit gate has room and fewer than MAX_IN_FLIGHT are out;
 * - waiting for a slot or a turn is not a rate limit: only the gate's closed time counts against Max Rate
 *   Limit Wait, from the moment the gate first holds the call. A call the gate would hold longer fails at once.
 */

/** A dispatcher never has more calls in flight than this, whatever the runs' Concurrency adds up to. */
const MAX_IN_FLIGHT = 50;
/** The queue's timer wakes at least this often, so no timer is ever longer (no overflow). */
const TICK_MS = 1000;

/** When one call's rate-limit wait started (undefined: not held yet), shared by its retries. */
export interface RateLimitClock {
	heldSince?: number;
}

type Execute = (run: Run, call: SmscxCall, policy: CallPolicy) => Promise<CallOutcome>;

/** One node execution's lane in its credential's dispatcher. */
export class Run {
	stopped = false;

	cancelled = false;

	private active = 0;

	private backlog: Array<{ go: () => void; fail: (error: NotSent) => void }> = [];

	constructor(
		private readonly queue: FairQueue,
		private readonly execute: Execute,
		private readonly onClose: (run: Run) => void,
		readonly fn: IExecuteFunctions,
		readonly credentials: ICredentialDataDecryptedObject,
		private readonly concurrency: number,
	) {}

	/**
	 * Sends one call under the policy. `beforeCall` runs right before the call is queued for sending (throw
	 * to refuse it). Rejects with NotSent when the run stopped or was cancelled before the call left.
	 */
	async call(call: SmscxCall, policy: CallPolicy, beforeCall?: () => void): Promise<CallOutcome> {
		await this.slot();
		try {
			beforeCall?.();
			return await this.execute(this, call, policy);
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

	/** The node execution is done with the dispatcher. */
	close(): void {
		this.queue.drop(this, new NotSent('stopped'));
		this.onClose(this);
	}

	private end(reason: 'stopped' | 'cancelled'): void {
		if (reason === 'cancelled') this.cancelled = true;
		else this.stopped = true;
		const waiting = this.backlog;
		this.backlog = [];
		for (const entry of waiting) entry.fail(new NotSent(reason));
		this.queue.drop(this, new NotSent(reason));
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

/** An active call waiting for its turn to send. */
interface Ticket {
	run: Run;
	clock: RateLimitClock;
	maxWaitSeconds: number;
	/** undefined: go now; a failure: the rate limit would hold it past Max Rate Limit Wait */
	resolve: (held: SmscxFailure | undefined) => void;
	reject: (error: NotSent) => void;
}

export class FairQueue {
	readonly gate = new RateLimitGate();

	private tickets = new Map<Run, Ticket[]>();

	/** The order in which runs get their next turn */
	private order: Run[] = [];

	private inFlight = 0;

	private ticking = false;

	/** Resolves when the call may leave, or with a failure when the rate limit would hold it too long. */
	turn(run: Run, clock: RateLimitClock, maxWaitSeconds: number, retry: boolean): Promise<SmscxFailure | undefined> {
		const ended = run.ended;
		if (ended) return Promise.reject(ended);
		return new Promise((resolve, reject) => {
			const ticket: Ticket = { run, clock, maxWaitSeconds, resolve, reject };
			const queue = this.tickets.get(run);
			if (queue) {
				// a call coming back after a 429 goes first in its run: it was active before the others
				if (retry) queue.unshift(ticket);
				else queue.push(ticket);
			} else {
				this.tickets.set(run, [ticket]);
				this.order.push(run);
			}
			this.pump();
		});
	}

	/** A call that had its turn is done (answered, failed, or never left after all). */
	settled(): void {
		this.inFlight--;
		this.pump();
	}

	/** Takes the run's waiting calls out of the queue; they never leave. */
	drop(run: Run, reason: NotSent): void {
		const waiting = this.tickets.get(run) ?? [];
		this.tickets.delete(run);
		this.order = this.order.filter((other) => other !== run);
		for (const ticket of waiting) ticket.reject(reason);
	}

	/** Hands out turns while the gate has room; fails the calls the closed gate would hold too long. */
	private pump(): void {
		const now = Date.now();
		while (this.order.length > 0 && this.inFlight < MAX_IN_FLIGHT && this.gate.room(now, this.inFlight) > 0) {
			this.grant();
		}
		const opensAt = this.gate.closedUntil(now);
		if (opensAt !== undefined) this.failHeldTooLong(now, opensAt);
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

	/** The gate is closed until opensAt: start the waiting calls' clocks; fail those it would hold too long. */
	private failHeldTooLong(now: number, opensAt: number): void {
		for (const [run, queue] of this.tickets) {
			const keep: Ticket[] = [];
			for (const ticket of queue) {
				ticket.clock.heldSince ??= now;
				const deadline = ticket.clock.heldSince + ticket.maxWaitSeconds * 1000;
				if (opensAt > deadline) ticket.resolve(heldTooLong(opensAt, ticket.maxWaitSeconds));
				else keep.push(ticket);
			}
			if (keep.length === queue.length) continue;
			if (keep.length > 0) this.tickets.set(run, keep);
			else {
				this.tickets.delete(run);
				this.order = this.order.filter((other) => other !== run);
			}
		}
	}

	/** One timer per dispatcher while calls wait: wakes when the gate opens, or after TICK_MS. */
	private async tick(): Promise<void> {
		this.ticking = true;
		try {
			while (this.order.length > 0) {
				const now = Date.now();
				const opensAt = this.gate.closedUntil(now) ?? now + TICK_MS;
				await sleep(Math.max(1, Math.min(TICK_MS, opensAt - now)));
				this.pump();
			}
		} finally {
			this.ticking = false;
		}
	}
}

function heldTooLong(opensAt: number, maxWaitSeconds: number): SmscxFailure {
	return {
		kind: 'rateLimited',
		httpStatus: 429,
		message: `the rate limit would hold this call until ${timeText(opensAt)}, longer than Max Rate Limit Wait (${maxWaitSeconds} s); it was not sent`,
		rateLimitReset: Math.ceil(opensAt / 1000),
	};
}

import { sleep } from 'n8n-workflow';

/**
 * Keeps one execution's requests inside SMS.CX's rate limit, shared by every item in flight.
 *
 * SMS.CX publishes no numbers, but every answer says how much of the current window is left
 * (X-Rate-Limit-Remaining) and a 429 says when the window resets (X-Rate-Limit-Reset, Unix seconds).
 * - While the window has room, requests go out at once (up to the node's concurrency).
 * - When it is used up, only one request goes out at a time until an answer says more: if that one is
 *   refused (429), everybody waits for the reset it names, instead of each item bouncing off the limit.
 * - Two consecutive resets give the window length, so later windows are waited out without a probe.
 */
export class RateLimitPacer {
	private remaining: number | undefined;

	/** When the window `remaining` was read in ends (a reset makes it stale); Infinity when unknown */
	private remainingExpiresMs = Infinity;

	private inFlight = 0;

	private gateUntilMs = 0;

	private lastResetSeconds: number | undefined;

	private windowSeconds: number | undefined;

	private waiting: Array<() => void> = [];

	/** Resolves when a request may be sent; pair every call with one answered() or abandoned(). */
	async beforeSend(): Promise<void> {
		for (;;) {
			const now = Date.now();
			if (this.gateUntilMs > now) {
				await sleep(this.gateUntilMs - now);
				continue;
			}
			if (this.remainingExpiresMs <= now) this.remaining = undefined;
			const exhausted = this.remaining !== undefined && this.remaining - this.inFlight <= 0;
			if (exhausted) {
				const nextReset = this.predictedResetMs();
				if (nextReset) {
					this.gateUntilMs = nextReset;
					continue;
				}
				if (this.inFlight > 0) {
					await new Promise<void>((resolve) => this.waiting.push(resolve));
					continue;
				}
				// nothing in flight and no known reset: this one request goes out as the probe
			}
			this.inFlight++;
			return;
		}
	}

	/** Record what an answer said about the limit. `resetSeconds` comes with a 429. */
	answered(remaining: number | undefined, resetSeconds: number | undefined): void {
		this.inFlight--;
		if (resetSeconds !== undefined) {
			if (this.lastResetSeconds !== undefined && resetSeconds > this.lastResetSeconds) {
				this.windowSeconds = resetSeconds - this.lastResetSeconds;
			}
			this.lastResetSeconds = resetSeconds;
			this.gateUntilMs = Math.max(this.gateUntilMs, resetSeconds * 1000 + 50);
			this.remaining = undefined;
		} else if (remaining !== undefined) {
			this.remaining = remaining;
			this.remainingExpiresMs = this.predictedResetMs() || Infinity;
		}
		this.wakeAll();
	}

	/** The request got no answer (network failure): it tells nothing about the limit. */
	abandoned(): void {
		this.inFlight--;
		this.wakeAll();
	}

	/** The next reset after now, when two 429s taught the window length; 0 when unknown. */
	private predictedResetMs(): number {
		if (this.lastResetSeconds === undefined || this.windowSeconds === undefined) return 0;
		const now = Date.now();
		let reset = this.lastResetSeconds * 1000;
		while (reset <= now) reset += this.windowSeconds * 1000;
		return reset + 50;
	}

	private wakeAll(): void {
		const waiting = this.waiting;
		this.waiting = [];
		for (const wake of waiting) wake();
	}
}

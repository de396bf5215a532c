/**
 * The credential's rate-limit gate, and the one parser of SMS.CX's rate-limit headers.
 *
 * Headers are untrusted: every value goes through readRateLimitHeaders, which never throws and keeps only what
 * is plausible. A count is a whole number from 0 to 1,000,000. A reset is read as epoch milliseconds, epoch
 * seconds or delta seconds ("30"); a reset more than an hour away, or not a number, is "unknown". So the gate
 * never closes for longer than an hour plus the learned window, and no date it names is out of range.
 *
 * The gate lets calls leave while the window has room:
 * - X-Rate-Limit-Remaining says what is left; until the first answer one call probes. Answers without the
 *   header (a proxy strips it) mean "unknown": calls leave at the runs' Concurrency, and 429s teach the rest;
 * - a 429 closes the gate until its reset (unknown or past: the learned window, or 1 s), plus jitter;
 * - resets seen on 429s teach the window's length (the shortest gap of the last few, so it can grow back),
 *   and a used-up window is then waited out without a probe, refilling to X-Rate-Limit-Limit.
 */

const MAX_COUNT = 1_000_000;
/** A header longer than this is not a number we want to read. */
const MAX_HEADER_CHARS = 40;
/** A reset further than this from now is not believed. */
const MAX_RESET_DISTANCE_MS = 60 * 60 * 1000;
/** Below this, a number is delta seconds; up to 1e11 epoch seconds (year 5138); above, epoch milliseconds. */
const EPOCH_SECONDS_FROM = 1e9;
const EPOCH_MS_FROM = 1e11;
const FALLBACK_WINDOW_MS = 1000;
/** Gaps shorter than this between two resets are clock noise, not a window. */
const MIN_WINDOW_MS = 1000;
/** How many recent gaps between resets the window is learned from. */
const WINDOW_SAMPLES = 5;
const MAX_JITTER_MS = 200;

export const jitter = (): number => Math.floor(Math.random() * MAX_JITTER_MS);

/** A time as ISO text; never throws (the gate's times are bounded, this is the last guard). */
export function timeText(epochMs: number): string {
	const date = new Date(epochMs);
	return Number.isFinite(date.getTime()) ? date.toISOString() : 'an unknown time';
}

export interface RateLimitHeaders {
	limit?: number;
	remaining?: number;
	/** Epoch ms, within an hour of now (may be past) */
	resetAt?: number;
}

function headerNumber(headers: unknown, name: string): number | undefined {
	if (headers === null || typeof headers !== 'object') return undefined;
	let raw = (headers as Record<string, unknown>)[name];
	if (Array.isArray(raw)) raw = raw[0];
	if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
	const text = String(raw).trim();
	if (text === '' || text.length > MAX_HEADER_CHARS) return undefined;
	const value = Number(text);
	return Number.isFinite(value) ? value : undefined;
}

function countOf(value: number | undefined): number | undefined {
	return value !== undefined && Number.isInteger(value) && value >= 0 && value <= MAX_COUNT ? value : undefined;
}

/** A reset header as epoch ms, or undefined when it is not a number or not within an hour of now. */
export function resetAtOf(value: number | undefined, now: number): number | undefined {
	if (value === undefined || !(value > 0)) return undefined;
	const at = value >= EPOCH_MS_FROM ? value : value >= EPOCH_SECONDS_FROM ? value * 1000 : now + value * 1000;
	return Math.abs(at - now) <= MAX_RESET_DISTANCE_MS ? Math.round(at) : undefined;
}

/** X-Rate-Limit-Limit, -Remaining and -Reset (header names as n8n gives them: lower case); never throws. */
export function readRateLimitHeaders(headers: unknown, now: number): RateLimitHeaders {
	const limit = countOf(headerNumber(headers, 'x-rate-limit-limit'));
	return {
		limit: limit === 0 ? undefined : limit,
		remaining: countOf(headerNumber(headers, 'x-rate-limit-remaining')),
		resetAt: resetAtOf(headerNumber(headers, 'x-rate-limit-reset'), now),
	};
}

export class RateLimitGate {
	private limit: number | undefined;

	/** What is left of the window; 'unknown' when answers do not say; undefined until an answer said (probe). */
	private remaining: number | 'unknown' | undefined;

	/** Epoch ms before which nothing leaves */
	private opensAt = 0;

	/** The window refills (to `limit`) when the gate opens */
	private refillAtOpen = false;

	private lastResetAt: number | undefined;

	private gaps: number[] = [];

	/** How many more calls may leave now, with `inFlight` calls out. Closes the gate on a known used-up window. */
	room(now: number, inFlight: number): number {
		if (this.refillAtOpen && now >= this.opensAt) {
			this.refillAtOpen = false;
			this.remaining = this.limit;
		}
		if (now < this.opensAt) return 0;
		if (this.remaining === 'unknown') return Infinity;
		const left = this.remaining === undefined ? 0 : this.remaining - inFlight;
		if (left > 0) return left;
		const reset = this.predictedReset(now);
		if (reset !== undefined) {
			// the window is used up and its end is known: wait for it instead of probing
			this.opensAt = reset;
			this.refillAtOpen = true;
			return 0;
		}
		return inFlight === 0 ? 1 : 0; // unknown: one call at a time probes until an answer says more
	}

	/** When the closed gate opens (epoch ms), or undefined when it is open. */
	closedUntil(now: number): number | undefined {
		return now < this.opensAt ? this.opensAt : undefined;
	}

	/** What an answer says about the rate limit; returns the reset it named (epoch ms), if believable. */
	learn(statusCode: number, headers: unknown, now: number): number | undefined {
		const { limit, remaining, resetAt } = readRateLimitHeaders(headers, now);
		if (limit !== undefined) this.limit = limit;
		if (statusCode !== 429) {
			if (!this.refillAtOpen) this.remaining = remaining ?? 'unknown';
			return undefined;
		}
		if (resetAt !== undefined) this.learnWindow(resetAt);
		// A reset that is unknown or already past (the header is whole seconds, clocks differ) never means
		// "retry now": wait the learned window, or 1 s.
		const opens = resetAt !== undefined && resetAt > now ? resetAt : now + (this.window() ?? FALLBACK_WINDOW_MS);
		this.opensAt = Math.max(this.opensAt, opens + jitter());
		this.refillAtOpen = true;
		this.remaining = 0;
		return resetAt;
	}

	private learnWindow(resetAt: number): void {
		const gap = this.lastResetAt === undefined ? 0 : resetAt - this.lastResetAt;
		if (gap >= MIN_WINDOW_MS && gap <= MAX_RESET_DISTANCE_MS) {
			// Gaps are whole windows (several when no 429 fell in between): the shortest recent one is the window.
			this.gaps = [...this.gaps, gap].slice(-WINDOW_SAMPLES);
		}
		if (this.lastResetAt === undefined || resetAt > this.lastResetAt) this.lastResetAt = resetAt;
	}

	private window(): number | undefined {
		return this.gaps.length > 0 ? Math.min(...this.gaps) : undefined;
	}

	/** The next window start after now, once resets taught the window length. */
	private predictedReset(now: number): number | undefined {
		const window = this.window();
		if (this.lastResetAt === undefined || window === undefined) return undefined;
		const last = this.lastResetAt;
		const windows = last > now ? 0 : Math.floor((now - last) / window) + 1;
		return last + windows * window + jitter();
	}
}

import { createHmac, randomBytes } from 'crypto';

/**
 * Recent Send times per key, for the Fraud Guard's limits: per n8n process (the main process or one
 * queue-mode worker), bounded in memory, shared by every execution and node in the process. Keys are a keyed
 * hash (HMAC-SHA256 with a random key made at start and never stored), so no phone number is kept in clear and
 * the keys cannot be reversed by trying every number. Kept here rather than in the credential's dispatcher:
 * the dispatcher registry releases idle dispatchers, which would forget the counts.
 */

const HASH_KEY = randomBytes(32);
/** Most keys kept; beyond, the least recently used go first. */
const MAX_KEYS = 50_000;
/** Most Send times kept over all keys (8 bytes each): about 2 MB with the keys. */
const MAX_TIMES = 250_000;
/** Longest window an option allows; older times can never count. */
export const MAX_WINDOW_MINUTES = 1440;

/** key → Send times (ms), oldest first; Map order is least recently used first. */
const times = new Map<string, number[]>();
let storedTimes = 0;

/** The key for `value` under `scope` (credential identity + rule): 128 bits of HMAC-SHA256, base64url. */
export function countKey(scope: string, value: string): string {
	return createHmac('sha256', HASH_KEY).update(scope).update('\n').update(value).digest('base64url').slice(0, 22);
}

function recent(key: string, now: number): number[] {
	const list = times.get(key);
	if (list === undefined) return [];
	const oldest = now - MAX_WINDOW_MINUTES * 60_000;
	let expired = 0;
	while (expired < list.length && list[expired] <= oldest) expired++;
	if (expired > 0) {
		list.splice(0, expired);
		storedTimes -= expired;
	}
	if (list.length === 0) times.delete(key);
	return list;
}

/**
 * When the next Send under `key` fits `limit` Sends per `windowMs`: undefined when one fits now, else the
 * time (ms) the oldest counted Send leaves the window.
 */
export function nextAllowedAt(key: string, limit: number, windowMs: number, now: number): number | undefined {
	const list = recent(key, now);
	// Times are in order: the limit is reached when the limit-th most recent one is still in the window.
	if (list.length < limit) return undefined;
	const oldestCounted = list[list.length - limit];
	return oldestCounted > now - windowMs ? oldestCounted + windowMs : undefined;
}

/** Counts one Send at `now` under `key`. */
export function count(key: string, now: number): void {
	const list = recent(key, now);
	times.delete(key); // re-inserted last: most recently used
	list.push(now);
	times.set(key, list);
	storedTimes++;
	for (const [oldKey, oldList] of times) {
		if (times.size <= MAX_KEYS && storedTimes <= MAX_TIMES) break;
		times.delete(oldKey);
		storedTimes -= oldList.length;
	}
}

/** Takes back one Send counted at `at` (it never reached SMS.CX, or SMS.CX refused it and sent nothing). */
export function uncount(key: string, at: number): void {
	const list = times.get(key);
	const index = list?.lastIndexOf(at) ?? -1;
	if (list === undefined || index < 0) return;
	list.splice(index, 1);
	storedTimes--;
	if (list.length === 0) times.delete(key);
}

/** How many keys and Send times are held (for tests and the benchmark). */
export function countsHeld(): { keys: number; times: number } {
	return { keys: times.size, times: storedTimes };
}

/** Forgets every count, as a restart of n8n does (tests). */
export function forgetSendCounts(): void {
	times.clear();
	storedTimes = 0;
}

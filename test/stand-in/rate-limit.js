'use strict';
// Fixed-window rate limit per credential on REAL time (not the virtual clock). Windows are
// aligned to wall-clock multiples of windowSeconds, so X-Rate-Limit-Reset is a whole second.

function createRateLimiter(getConfig) {
	const windows = new Map(); // key -> { start, count }

	function state(key, consume) {
		const { limit, windowSeconds, resetSkewSeconds = 0 } = getConfig();
		const windowMs = windowSeconds * 1000;
		const start = Math.floor(Date.now() / windowMs) * windowMs;
		let w = windows.get(key);
		if (!w || w.start !== start) {
			w = { start, count: 0 };
			windows.set(key, w);
		}
		// resetSkewSeconds: a server clock that differs from the client's (the header is in its time)
		const reset = Math.ceil((start + windowMs) / 1000) + resetSkewSeconds;
		// A refused request does not count: it was not taken.
		if (consume && w.count >= limit) return { limit, remaining: 0, reset, limited: true };
		if (consume) w.count += 1;
		return { limit, remaining: Math.max(0, limit - w.count), reset, limited: false };
	}

	return {
		hit: (key) => state(key, true),
		peek: (key) => state(key, false),
		reset: () => windows.clear(),
	};
}

function rateHeaders({ limit, remaining, reset, limited }) {
	const headers = { 'X-Rate-Limit-Limit': String(limit), 'X-Rate-Limit-Remaining': String(remaining) };
	if (limited) headers['X-Rate-Limit-Reset'] = String(reset);
	return headers;
}

module.exports = { createRateLimiter, rateHeaders };

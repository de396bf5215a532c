'use strict';
// Fixed-window rate limit per credential on REAL time (not the virtual clock). Windows are
// aligned to wall-clock multiples of windowSeconds, so X-Rate-Limit-Reset is a whole second.

function createRateLimiter(getConfig) {
	const windows = new Map(); // key -> { start, count }

	function state(key, consume) {
		const { limit, windowSeconds, resetSkewSeconds = 0, resetStyle, headerText = {}, remainingHeader } = getConfig();
		const style = { resetStyle, headerText, remainingHeader, resetAtMs: start0(windowSeconds) + windowSeconds * 1000 + resetSkewSeconds * 1000 };
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
		if (consume && w.count >= limit) return { limit, remaining: 0, reset, limited: true, style };
		if (consume) w.count += 1;
		return { limit, remaining: Math.max(0, limit - w.count), reset, limited: false, style };
	}

	return {
		hit: (key) => state(key, true),
		peek: (key) => state(key, false),
		reset: () => windows.clear(),
	};
}

const start0 = (windowSeconds) => Math.floor(Date.now() / (windowSeconds * 1000)) * windowSeconds * 1000;

// style (rateLimit options, for clients that must survive odd proxies and servers): resetStyle 'epochMs' sends the
// reset in epoch milliseconds, 'delta' as seconds from now; headerText { limit, remaining, reset } sends those
// literal texts instead; remainingHeader: false leaves X-Rate-Limit-Remaining out.
function rateHeaders({ limit, remaining, reset, limited, style = {} }) {
	const text = style.headerText || {};
	const headers = { 'X-Rate-Limit-Limit': String(text.limit ?? limit) };
	if (style.remainingHeader !== false) headers['X-Rate-Limit-Remaining'] = String(text.remaining ?? remaining);
	if (!limited) return headers;
	if (text.reset !== undefined) headers['X-Rate-Limit-Reset'] = String(text.reset);
	else if (style.resetStyle === 'epochMs') headers['X-Rate-Limit-Reset'] = String(style.resetAtMs);
	else if (style.resetStyle === 'delta') headers['X-Rate-Limit-Reset'] = String(Math.max(0, Math.ceil((style.resetAtMs - Date.now()) / 1000)));
	else headers['X-Rate-Limit-Reset'] = String(reset);
	return headers;
}

module.exports = { createRateLimiter, rateHeaders };

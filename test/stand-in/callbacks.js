'use strict';
// Status callbacks: OTP objects are queued per URL, sent after callbackBatchMs as one
// {"event":"otp_update","data":[...]} POST per 200 entries, retried on non-2xx or network error.

const http = require('node:http');
const https = require('node:https');

const MAX_ENTRIES = 200;

// Callback URLs may carry an auth token in the query: never record it.
const redact = (url) => url.replace(/([?&]token=)[^&#]*/gi, '$1***');

function post(url, body, timeoutMs, signal) {
	return new Promise((resolve) => {
		let settled = false;
		const finish = (result) => {
			if (!settled) {
				settled = true;
				resolve(result);
			}
		};
		const client = url.startsWith('https:') ? https : http;
		const req = client.request(url, {
			method: 'POST',
			agent: false, // no keep-alive: receivers in tests close cleanly
			timeout: timeoutMs,
			signal,
			headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'smscx-stand-in' },
		}, (res) => {
			const httpStatus = res.statusCode;
			res.resume();
			res.on('end', () => finish({ httpStatus, ok: httpStatus >= 200 && httpStatus < 300 }));
			res.on('close', () => finish({ httpStatus, ok: false, error: 'response not complete' }));
		});
		req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
		req.on('error', (err) => finish({ httpStatus: null, ok: false, error: err.code || err.message }));
		req.end(body);
	});
}

function createCallbacks(getOptions) {
	let queues = new Map(); // url -> { entries, timer }
	let deliveries = [];
	let generation = 0; // bumps on reset/close so late deliveries are not recorded
	let abort = new AbortController();
	const inflight = new Set();
	const sleepers = new Set();

	// A sleep that reset/close can cut short.
	function sleep(ms) {
		return new Promise((resolve) => {
			const s = { resolve, timer: setTimeout(() => { sleepers.delete(s); resolve(); }, ms) };
			sleepers.add(s);
		});
	}

	function wakeAll() {
		for (const s of sleepers) {
			clearTimeout(s.timer);
			s.resolve();
		}
		sleepers.clear();
	}

	async function deliver(url, entries) {
		const gen = generation;
		const { callbackRetries, callbackRetryDelayMs, callbackTimeoutMs } = getOptions();
		const body = JSON.stringify({ event: 'otp_update', data: entries });
		for (let attempt = 1; attempt <= callbackRetries + 1; attempt++) {
			const result = await post(url, body, callbackTimeoutMs, abort.signal);
			if (gen !== generation) return;
			deliveries.push({
				url: redact(url),
				event: 'otp_update',
				entries: entries.length,
				otpIds: entries.map((e) => e.otpId),
				statuses: entries.map((e) => e.status),
				httpStatus: result.httpStatus,
				attempt,
				...(result.error ? { error: result.error } : {}),
				at: Date.now(),
			});
			if (result.ok || attempt > callbackRetries) return;
			await sleep(callbackRetryDelayMs);
			if (gen !== generation) return;
		}
	}

	function track(promise) {
		inflight.add(promise);
		promise.finally(() => inflight.delete(promise));
	}

	function fire(url) {
		const q = queues.get(url);
		if (!q) return;
		queues.delete(url);
		clearTimeout(q.timer);
		const copies = getOptions().duplicateCallbacks ? 2 : 1;
		for (let i = 0; i < q.entries.length; i += MAX_ENTRIES) {
			const chunk = q.entries.slice(i, i + MAX_ENTRIES);
			for (let c = 0; c < copies; c++) track(deliver(url, chunk));
		}
	}

	function stop() {
		generation += 1;
		for (const q of queues.values()) clearTimeout(q.timer);
		queues = new Map();
		abort.abort();
		abort = new AbortController();
		wakeAll();
	}

	return {
		queue(url, entry) {
			let q = queues.get(url);
			if (!q) {
				q = { entries: [], timer: setTimeout(() => fire(url), getOptions().callbackBatchMs) };
				queues.set(url, q);
			}
			q.entries.push(entry);
		},
		// Sends what is queued now (no waiting for the batch timer), then waits for every attempt.
		async flush() {
			for (const url of [...queues.keys()]) fire(url);
			while (inflight.size) await Promise.allSettled([...inflight]);
		},
		get deliveries() {
			return structuredClone(deliveries);
		},
		reset() {
			stop();
			deliveries = [];
		},
		close: stop,
	};
}

module.exports = { createCallbacks };

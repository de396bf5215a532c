'use strict';
// HTTP plumbing: /__control/ goes to control.js; every other request is logged, meets any
// injected fault, is dispatched to routes.js, waits latencyMs, and is answered.

const http = require('node:http');
const { apiError } = require('./errors');
const { faultAnswer, PROCESSED } = require('./faults');
const { dispatch } = require('./routes');
const { readBody, send, bodyForLog } = require('./http-util');

const isControl = (path) => path === '/__control' || path.startsWith('/__control/');

// Split by hand: new URL() throws on some request targets, and this must never crash the server.
function parseTarget(target) {
	const q = target.indexOf('?');
	return {
		pathname: q < 0 ? target : target.slice(0, q),
		searchParams: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
	};
}

function createHttpServer(core, control) {
	const timers = new Set(); // latency waits, cleared on close so nothing keeps the process alive

	function delay(ms) {
		if (!ms) return Promise.resolve();
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				timers.delete(t);
				resolve();
			}, ms);
			timers.add(t);
		});
	}

	async function handleApi(req, res, path) {
		const startedAt = performance.now();
		core.concurrency.open++;
		core.concurrency.max = Math.max(core.concurrency.max, core.concurrency.open);
		res.on('close', () => core.concurrency.open--);
		const entry = core.log.add({
			method: req.method, path, auth: core.auth.authKind(req.headers), body: null, status: null, fault: null, at: Date.now(),
		});
		const fault = core.faults.take(req.method, path);
		if (fault) entry.fault = fault.kind;
		if (fault && fault.kind === 'closeBeforeProcessing') return req.socket.destroy();
		if (fault && fault.kind === 'hang') return undefined; // the socket stays open until the client gives up or close()

		const raw = await readBody(req);
		entry.body = bodyForLog(raw, req.headers['content-type']);
		const rateKey = core.auth.rateKey(req.headers, req.socket.remoteAddress);
		const result = fault && !PROCESSED.has(fault.kind)
			? faultAnswer(fault, core.rateLimit.peek(rateKey))
			: dispatch(core, { method: req.method, path, headers: req.headers, raw, remoteAddress: req.socket.remoteAddress });

		// Latency comes after processing: a client that times out cannot know whether it was taken.
		await delay(core.options().latencyMs);
		if (fault && fault.kind === 'closeAfterProcessing') return req.socket.destroy();
		send(res, result, { startedAt, truncate: Boolean(fault && fault.kind === 'malformedJson') });
		entry.status = result.status;
		return undefined;
	}

	const server = http.createServer((req, res) => {
		const url = parseTarget(req.url);
		const handler = isControl(url.pathname) ? control.handle(req, res, url) : handleApi(req, res, url.pathname);
		handler.catch(() => {
			if (!res.headersSent && !res.destroyed) send(res, apiError(1500));
		});
	});

	function stopTimers() {
		for (const t of timers) clearTimeout(t);
		timers.clear();
	}
	return { server, stopTimers };
}

module.exports = { createHttpServer };

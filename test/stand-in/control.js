'use strict';
// /__control/: the in-process API over HTTP, for other processes (real-n8n demo, e2e tests).
// No auth, no rate limit, no faults, not logged. It shows PINs: keep the server on 127.0.0.1.

const { readBody, send } = require('./http-util');

const ok = (body) => ({ status: 200, body });
const fail = (status, message) => ({ status, body: { error: { type: 'control', message } } });

// JSON cannot say Infinity, and a RegExp travels as `pathRegex`.
function faultFromJson(json) {
	const fault = { ...json };
	if (fault.times === 'Infinity' || fault.times === null) fault.times = Infinity;
	if (fault.pathRegex !== undefined) fault.path = new RegExp(fault.pathRegex);
	delete fault.pathRegex;
	return fault;
}

function filterFromQuery(query) {
	const filter = {};
	if (query.get('method')) filter.method = query.get('method');
	if (query.get('path')) filter.path = query.get('path');
	if (query.get('pathRegex')) filter.path = new RegExp(query.get('pathRegex'));
	return filter;
}

function createControl(core, info) {
	const { sx } = core;
	const routes = {
		'GET info': () => ok(info()),
		'GET otps': () => ok(sx.otps()),
		'GET messages': () => ok(sx.messages),
		'GET requests': (q) => ok(sx.requests(filterFromQuery(q))),
		'GET callbacks': () => ok(sx.callbackDeliveries),
		'POST faults': (q, body) => (sx.injectFault(faultFromJson(body)), ok({ ok: true })),
		'POST clock': (q, body) => {
			sx.advanceClock(body.advanceSeconds, { expire: body.expire !== false });
			return ok({ now: new Date(core.clock.now()).toISOString() });
		},
		'POST configure': (q, body) => (sx.configure(body), ok({ ok: true })),
		'POST flush-callbacks': async () => (await sx.flushCallbacks(), ok(sx.callbackDeliveries)),
		'POST reset': () => (sx.reset(), ok({ ok: true })),
	};

	async function answer(req, url) {
		const rest = url.pathname.replace(/^\/__control\/?/, '');
		const otp = rest.match(/^otps\/([^/]+)$/);
		if (otp && req.method === 'GET') {
			const record = sx.otp(otp[1]);
			return record ? ok(record) : fail(404, 'unknown otpId');
		}
		const handler = routes[`${req.method} ${rest}`];
		if (!handler) return fail(404, `no control route ${req.method} /__control/${rest}`);
		const raw = await readBody(req);
		let body = {};
		try {
			body = raw.trim() ? JSON.parse(raw) : {};
		} catch {
			return fail(400, 'body is not JSON');
		}
		try {
			return await handler(url.searchParams, body);
		} catch (err) {
			return fail(400, err.message);
		}
	}

	return {
		async handle(req, res, url) {
			send(res, await answer(req, url));
		},
	};
}

module.exports = { createControl };

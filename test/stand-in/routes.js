'use strict';
// The SMS.CX API itself: rate limit, routing, auth, then one handler per operation.
// Handlers return a result { status, body, headers? } and never touch the socket.

const { apiError } = require('./errors');
const { rateHeaders } = require('./rate-limit');
const { validateNewOtp } = require('./rules');
const { composeSms } = require('./sms');

// An empty body counts as {} (so a bare verify gets 2022, a bare New OTP 2001).
function parseJson(raw) {
	if (raw.trim() === '') return { body: {} };
	try {
		const body = JSON.parse(raw);
		if (body && typeof body === 'object' && !Array.isArray(body)) return { body };
	} catch {
		// fall through
	}
	return { error: apiError(1001) };
}

function newOtp(core, req) {
	const parsed = parseJson(req.raw);
	if (parsed.error) return parsed.error;
	const checked = validateNewOtp(parsed.body, core.options().defaults);
	if (checked.code) return apiError(checked.code);
	const p = checked.params;
	const sms = composeSms(p);
	const cost = core.account.costOf(sms.parts);
	if (!core.account.charge(cost)) return apiError(2100);
	const record = core.store.create({
		trackId: p.trackId, phoneNumber: p.phoneNumber, countryIso: p.countryIso, cost, parts: sms.parts,
		maxAttempts: p.maxAttempts, ttl: p.ttl, otpCallbackUrl: p.otpCallbackUrl,
		pin: sms.pin, pinType: p.pinType, from: p.from, text: sms.text,
	});
	core.recordMessage({ otpId: record.otpId, phoneNumber: record.phoneNumber, from: p.from, text: sms.text });
	return { status: 201, body: core.store.view(record) };
}

function getStatus(core, req, otpId) {
	const r = core.store.status(otpId);
	return r.code ? apiError(r.code) : { status: 200, body: r.otp };
}

function verify(core, req, otpId) {
	const parsed = parseJson(req.raw);
	if (parsed.error) return parsed.error;
	const r = core.store.verify(otpId, parsed.body.pin);
	return r.code ? apiError(r.code) : { status: 200, body: { status: 'VERIFIED' } };
}

function cancel(core, req, otpId) {
	const r = core.store.cancel(otpId);
	return r.code ? apiError(r.code) : { status: 200, body: { info: { id: otpId } } };
}

const balance = (core) => ({ status: 200, body: core.account.get() });

// The token endpoint authenticates with Basic itself, from a form body.
const token = (core, req) => core.auth.issueToken(req.headers, new URLSearchParams(req.raw));

const ROUTES = [
	{ pattern: /^\/otp$/, methods: { POST: newOtp }, scope: 'otp' },
	{ pattern: /^\/otp\/([^/]+)$/, methods: { GET: getStatus, POST: verify, DELETE: cancel }, scope: 'otp' },
	{ pattern: /^\/account\/balance$/, methods: { GET: balance } },
	{ pattern: /^\/oauth\/token$/, methods: { POST: token }, ownAuth: true },
];

function route(core, req) {
	for (const r of ROUTES) {
		const m = req.path.match(r.pattern);
		if (!m) continue;
		const handler = r.methods[req.method];
		if (!handler) return apiError(1005, { headers: { Allow: Object.keys(r.methods).join(', ') } });
		if (r.ownAuth) return handler(core, req);
		const who = core.auth.authenticate(req.headers);
		if (who.code) return apiError(who.code, { message: who.message });
		if (r.scope && !core.auth.hasScope(who, r.scope)) return apiError(1003);
		return handler(core, req, m[1]);
	}
	return apiError(1004);
}

// req: { method, path, headers, raw, remoteAddress }. Over the limit: 429 and nothing is processed.
function dispatch(core, req) {
	const rate = core.rateLimit.hit(core.auth.rateKey(req.headers, req.remoteAddress));
	const result = rate.limited ? apiError(1029) : route(core, req);
	return { ...result, headers: { ...result.headers, ...rateHeaders(rate) } };
}

module.exports = { dispatch };

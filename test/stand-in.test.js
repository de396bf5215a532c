'use strict';
// The SMS.CX stand-in against the contract (/work/shared/smscx-api), over real HTTP.

const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startStandIn } = require('./stand-in');
const isoCountries = require('./stand-in/iso-countries.json');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const PHONE = '+33612345678';

let sx;
let receiver;

// A local callback receiver; `replies` lists statuses to answer in turn (then 200).
function startReceiver() {
	const hits = [];
	const replies = [];
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (c) => (raw += c));
		req.on('end', () => {
			hits.push({ url: req.url, headers: req.headers, body: JSON.parse(raw) });
			res.writeHead(replies.length ? replies.shift() : 200).end();
		});
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
		resolve({ hits, replies, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) });
	}));
}

async function call(method, urlPath, { body, auth = 'key', headers = {}, signal } = {}) {
	const h = { ...headers };
	if (auth === 'key') h['X-API-KEY'] = sx.apiKey;
	else if (auth === 'bearer') h.Authorization = `Bearer ${sx.accessToken}`;
	else if (auth) h.Authorization = auth;
	let payload;
	if (body !== undefined) {
		payload = typeof body === 'string' ? body : JSON.stringify(body);
		h['Content-Type'] = h['Content-Type'] || 'application/json';
	}
	const res = await fetch(sx.url + urlPath, { method, headers: h, body: payload, signal });
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

const newOtp = (body) => call('POST', '/otp', { body: { phoneNumber: PHONE, ...body } });
const verify = (otpId, pin) => call('POST', `/otp/${otpId}`, { body: { pin } });
const errorCode = (r) => r.json && r.json.error && r.json.error.code;

async function createdOtp(body) {
	const r = await newOtp(body);
	expect(r.status).toBe(201);
	return r.json;
}

function oauth({ id = 'sandbox-app-id', secret = 'sandbox-app-secret', form = 'grant_type=client_credentials' } = {}) {
	const basic = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
	return call('POST', '/oauth/token', {
		auth: basic, body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
	});
}

beforeAll(async () => {
	receiver = await startReceiver();
	sx = await startStandIn({
		port: 0,
		oauthClients: [
			{ applicationId: 'sandbox-app-id', applicationSecret: 'sandbox-app-secret', scopes: null, tokenLifetimeSeconds: 86400 },
			{ applicationId: 'sms-only', applicationSecret: 's3cr3t', scopes: ['sms'], tokenLifetimeSeconds: 3600 },
		],
	});
});

afterAll(async () => {
	await sx.close();
	await receiver.close();
});

beforeEach(() => {
	sx.reset();
	receiver.hits.length = 0;
	receiver.replies.length = 0;
});

describe('authentication', () => {
	test('no key or an unknown key is 401 invalid_api_key', async () => {
		for (const auth of [null, 'Bearer nope']) {
			const r = await call('GET', '/account/balance', { auth });
			expect(r.status).toBe(401);
			expect(r.json.error).toMatchObject({ type: 'invalid_api_key', code: 1000 });
			expect(typeof r.json.error.uri).toBe('string');
		}
		const bad = await call('GET', '/account/balance', { auth: false, headers: { 'X-API-KEY': 'wrong' } });
		expect(bad.status).toBe(401);
	});

	test('an API key or the sandbox bearer token reads the balance', async () => {
		for (const auth of ['key', 'bearer']) {
			const r = await call('GET', '/account/balance', { auth });
			expect(r.status).toBe(200);
			expect(r.json).toEqual({ balance: 100, currency: 'eur', billing: 'prepaid' });
		}
	});
});

describe('New OTP', () => {
	test('201 with the OTP object exactly as the contract shows, never the PIN', async () => {
		const trackId = 'bf325375-e030-fccb-a009-17317c574773';
		const r = await newOtp({ phoneNumber: '+33 (6) 12-34.56 78', trackId, otpCallbackUrl: 'https://example.com/hook' });
		expect(r.status).toBe(201);
		expect(Object.keys(r.json)).toEqual(['otpId', 'trackId', 'phoneNumber', 'countryIso', 'status', 'cost', 'parts',
			'maxAttempts', 'attempts', 'ttl', 'otpCallbackUrl', 'dateCreated', 'dateExpires']);
		expect(r.json).toMatchObject({
			trackId, phoneNumber: PHONE, countryIso: 'FR', status: 'PENDING', cost: 0.045, parts: 1,
			maxAttempts: 4, attempts: 0, ttl: 180, otpCallbackUrl: 'https://example.com/hook',
		});
		expect(r.json.otpId).toMatch(UUID);
		expect(r.json.dateCreated).toMatch(DATE);
		const lived = Date.parse(`${r.json.dateExpires}Z`) - Date.parse(`${r.json.dateCreated}Z`);
		expect(lived).toBe(180000);
		const pin = sx.pinOf(r.json.otpId);
		expect(pin).toMatch(/^\d{4}$/);
		expect(r.text).not.toContain(`"pin"`);
		expect(sx.messages).toEqual([{ otpId: r.json.otpId, phoneNumber: PHONE, from: 'InfoText', text: `Your verification code is ${pin}` }]);
		expect((await call('GET', '/account/balance')).json.balance).toBe(99.955);
	});

	test('a national number with countryIso is normalized; defaults can be overridden', async () => {
		const otp = await createdOtp({
			phoneNumber: '020 7946 0018', countryIso: 'GB', ttl: 60, maxAttempts: 1, pinType: 'letters', pinLength: 10, from: 'MyShop',
		});
		expect(otp).toMatchObject({ phoneNumber: '+442079460018', countryIso: 'GB', ttl: 60, maxAttempts: 1, trackId: null, otpCallbackUrl: null });
		expect(sx.pinOf(otp.otpId)).toMatch(/^[A-Z]{10}$/);
		expect(sx.messages[0].from).toBe('MyShop');
		const alnum = await createdOtp({ pinType: 'alphanumeric', pinLength: 6 });
		expect(sx.pinOf(alnum.otpId)).toMatch(/^[A-Z0-9]{6}$/);
	});

	test('a localized template is chosen by the number\'s country', async () => {
		const body = { template_fr: 'Votre code {{pin}}', template_de: 'Ihr Code {{pin}}' };
		const fr = await createdOtp(body);
		const de = await createdOtp({ ...body, phoneNumber: '+4915112345678' });
		const us = await createdOtp({ ...body, phoneNumber: '+12025550123' });
		expect(sx.messages.map((m) => m.text)).toEqual([
			`Votre code ${sx.pinOf(fr.otpId)}`, `Ihr Code ${sx.pinOf(de.otpId)}`, `Your verification code is ${sx.pinOf(us.otpId)}`,
		]);
		expect([de.countryIso, us.countryIso]).toEqual(['DE', 'US']);
	});

	test('a text over 160 characters costs one part per 153', async () => {
		const otp = await createdOtp({ template: `${'x'.repeat(300)} {{pin}}` });
		expect(otp).toMatchObject({ parts: 2, cost: 0.09 });
	});

	const RULES = [
		[2001, {}], [2001, { phoneNumber: '' }],
		[2020, { phoneNumber: 'abc' }], [2020, { phoneNumber: '+0612345678' }], [2020, { phoneNumber: '+123456' }],
		[2020, { phoneNumber: '+1234567890123456' }], [2020, { phoneNumber: '123' }], [2020, { phoneNumber: 33612345678 }],
		[2002, { phoneNumber: '0612345678' }], [2002, { phoneNumber: '0612345678', countryIso: '' }],
		[2003, { phoneNumber: '0612345678', countryIso: 'UK' }], [2003, { phoneNumber: '0612345678', countryIso: 'fr' }],
		[2004, { from: '' }], [2005, { from: 'ab' }], [2005, { from: 'a'.repeat(16) }],
		[2006, { template: 'no pin here' }], [2006, { template: '' }], [2006, { template_fr: 'pas de code' }],
		[2018, { trackId: 'BF325375-E030-FCCB-A009-17317C574773' }], [2018, { trackId: 'nope' }],
		[2007, { ttl: '180' }], [2007, { ttl: 180.5 }], [2008, { ttl: 59 }], [2009, { ttl: 1801 }],
		[2010, { maxAttempts: '4' }], [2011, { maxAttempts: 0 }], [2012, { maxAttempts: 11 }],
		[2013, { pinType: '' }], [2014, { pinType: 'digits' }], [2014, { pinType: 'Numbers' }],
		[2015, { pinLength: '6' }], [2016, { pinLength: 3 }], [2017, { pinLength: 11 }],
		[2019, { otpCallbackUrl: 'not a url' }], [2019, { otpCallbackUrl: 'ftp://example.com/x' }],
	];
	test.each(RULES)('rule %i: %j', async (code, body) => {
		const payload = 'phoneNumber' in body || code === 2001 ? body : { phoneNumber: PHONE, ...body };
		const r = await call('POST', '/otp', { body: payload });
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({ type: 'invalid_param', code });
		expect(sx.messages).toEqual([]);
	});

	test('countryIso is ignored for an E.164 number; GB is a country, UK is not', async () => {
		expect((await newOtp({ countryIso: 'UK' })).json.countryIso).toBe('FR');
		expect(isoCountries.GB).toBe('44');
		expect(isoCountries.UK).toBeUndefined();
		expect(Object.keys(isoCountries)).toHaveLength(249);
	});

	test('several broken rules: the first in table order wins', async () => {
		const r = await newOtp({ from: '', ttl: 'x', pinType: 'bad', template: 'none' });
		expect(errorCode(r)).toBe(2004);
		expect(errorCode(await newOtp({ ttl: 'x', template: 'none' }))).toBe(2006);
	});

	test('a body that is not a JSON object is 400 invalid_body', async () => {
		for (const body of ['{nope', '[1,2]', '"text"']) {
			const r = await call('POST', '/otp', { body });
			expect(r.status).toBe(400);
			expect(r.json.error).toMatchObject({ type: 'invalid_body', code: 1001 });
		}
	});

	test('no credit: 400 insufficient_credit, nothing sent or charged', async () => {
		sx.configure({ balance: 0.04 });
		const r = await newOtp();
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({ type: 'insufficient_credit', code: 2100 });
		expect(sx.messages).toEqual([]);
		expect((await call('GET', '/account/balance')).json.balance).toBe(0.04);
	});
});

describe('status, verify and cancel', () => {
	test('the right PIN verifies once; the OTP then reads VERIFIED', async () => {
		const { otpId } = await createdOtp();
		const r = await verify(otpId, sx.pinOf(otpId));
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ status: 'VERIFIED' });
		expect((await call('GET', `/otp/${otpId}`)).json.status).toBe('VERIFIED');
		expect(errorCode(await verify(otpId, sx.pinOf(otpId)))).toBe(2023);
	});

	test('a PIN sent as a number is compared as its string', async () => {
		let otp = await createdOtp();
		while (sx.pinOf(otp.otpId).startsWith('0')) otp = await createdOtp(); // a number has no leading zero
		expect((await verify(otp.otpId, Number(sx.pinOf(otp.otpId)))).status).toBe(200);
	});

	test('a wrong PIN is 400 invalid_pin and counts; the last allowed one fails the OTP', async () => {
		const { otpId } = await createdOtp({ maxAttempts: 2 });
		const first = await verify(otpId, 'nope');
		expect(first.status).toBe(400);
		expect(first.json.error).toMatchObject({ type: 'invalid_pin', code: 2029 });
		expect((await call('GET', `/otp/${otpId}`)).json).toMatchObject({ attempts: 1, status: 'PENDING' });
		const second = await verify(otpId, 'nope');
		expect(second.json.error).toMatchObject({ type: 'otp_failed', code: 2027 });
		expect((await call('GET', `/otp/${otpId}`)).json).toMatchObject({ attempts: 2, status: 'FAILED' });
		expect(errorCode(await verify(otpId, sx.pinOf(otpId)))).toBe(2026);
	});

	test('PIN comparison is case-sensitive', async () => {
		const { otpId } = await createdOtp({ pinType: 'letters' });
		expect(errorCode(await verify(otpId, sx.pinOf(otpId).toLowerCase()))).toBe(2029);
	});

	test('a missing or empty PIN is 2022 and does not count', async () => {
		const { otpId } = await createdOtp();
		expect(errorCode(await call('POST', `/otp/${otpId}`, { body: {} }))).toBe(2022);
		expect(errorCode(await verify(otpId, ''))).toBe(2022);
		expect(sx.otp(otpId).attempts).toBe(0);
	});

	test('expired: 2025 once swept by the clock, 2028 when verify notices it first', async () => {
		const swept = await createdOtp();
		sx.advanceClock(181);
		expect((await call('GET', `/otp/${swept.otpId}`)).json.status).toBe('EXPIRED');
		expect((await verify(swept.otpId, sx.pinOf(swept.otpId))).json.error).toMatchObject({ type: 'otp_expired', code: 2025 });

		const lapsed = await createdOtp({ ttl: 60 });
		sx.advanceClock(61, { expire: false });
		expect(sx.otp(lapsed.otpId).status).toBe('PENDING');
		expect((await verify(lapsed.otpId, sx.pinOf(lapsed.otpId))).json.error).toMatchObject({ type: 'otp_expired', code: 2028 });
		expect(sx.otp(lapsed.otpId).status).toBe('EXPIRED');
	});

	test('cancel: 200 info.id, then 2030; a non-pending OTP is 2031; verify after cancel is 2024', async () => {
		const { otpId } = await createdOtp();
		const r = await call('DELETE', `/otp/${otpId}`);
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ info: { id: otpId } });
		const again = await call('DELETE', `/otp/${otpId}`);
		expect(again.status).toBe(403);
		expect(again.json.error).toMatchObject({ type: 'access_denied', code: 2030 });
		expect(errorCode(await verify(otpId, sx.pinOf(otpId)))).toBe(2024);

		const done = await createdOtp();
		await verify(done.otpId, sx.pinOf(done.otpId));
		const late = await call('DELETE', `/otp/${done.otpId}`);
		expect([late.status, errorCode(late)]).toEqual([403, 2031]);
	});

	test('unknown or malformed otpId is 404 not_found 2021 on status, verify and cancel', async () => {
		for (const id of ['a17fb13d-f4ac-4d93-9439-ef41ab8de390', 'A17FB13D-F4AC-4D93-9439-EF41AB8DE390', 'nope']) {
			for (const r of [await call('GET', `/otp/${id}`), await verify(id, '1234'), await call('DELETE', `/otp/${id}`)]) {
				expect(r.status).toBe(404);
				expect(r.json.error).toMatchObject({ type: 'not_found', code: 2021 });
			}
		}
	});

	test('unknown path is 404, wrong method 405 invalid_method', async () => {
		const nowhere = await call('GET', '/sms');
		expect([nowhere.status, nowhere.json.error.type]).toEqual([404, 'not_found']);
		const wrong = await call('PUT', '/otp');
		expect(wrong.status).toBe(405);
		expect(wrong.json.error.type).toBe('invalid_method');
	});
});

describe('headers and rate limit', () => {
	test('every answer has a unique X-Request-Id, X-Response-Time and the rate-limit headers', async () => {
		const answers = [await call('GET', '/account/balance'), await call('GET', '/account/balance', { auth: null }), await call('GET', '/nope')];
		for (const r of answers) {
			expect(r.headers.get('x-response-time')).toMatch(/^\d+ms$/);
			expect(r.headers.get('x-rate-limit-limit')).toBe('1000');
			expect(Number(r.headers.get('x-rate-limit-remaining'))).toBeGreaterThanOrEqual(0);
		}
		expect(new Set(answers.map((r) => r.headers.get('x-request-id'))).size).toBe(3);
	});

	test('over the limit: 429 rate_limit with a whole-second Reset; the request is not processed', async () => {
		sx.configure({ rateLimit: { limit: 2, windowSeconds: 3600 } });
		expect((await newOtp()).headers.get('x-rate-limit-remaining')).toBe('1');
		expect((await newOtp()).headers.get('x-rate-limit-remaining')).toBe('0');
		const r = await newOtp();
		expect(r.status).toBe(429);
		expect(r.json.error).toMatchObject({ type: 'rate_limit', code: 1029 });
		const reset = Number(r.headers.get('x-rate-limit-reset'));
		expect(Number.isInteger(reset)).toBe(true);
		expect(reset % 3600).toBe(0);
		expect(reset * 1000).toBeGreaterThan(Date.now());
		expect(sx.messages).toHaveLength(2);
		// per credential: the bearer token has its own window
		expect((await call('GET', '/account/balance', { auth: 'bearer' })).status).toBe(200);
	});

	test('latencyMs delays every answer', async () => {
		sx.configure({ latencyMs: 120 });
		const t = Date.now();
		await call('GET', '/account/balance');
		expect(Date.now() - t).toBeGreaterThanOrEqual(110);
	});
});

describe('oauth', () => {
	test('client credentials give a Bearer token that works on /otp and expires on the virtual clock', async () => {
		const r = await oauth();
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ expires_in: 86400, token_type: 'Bearer' });
		expect(r.json.scope.split(' ')).toContain('otp');
		const auth = `Bearer ${r.json.access_token}`;
		expect((await call('POST', '/otp', { auth, body: { phoneNumber: PHONE } })).status).toBe(201);
		sx.advanceClock(86400);
		expect((await call('GET', '/account/balance', { auth })).status).toBe(401);
		expect(sx.requests({ path: '/oauth/token' })).toHaveLength(1);
		expect(sx.requests({ path: '/oauth/token' })[0].auth).toBe('basic');
	});

	test('a token without the otp scope gets 403 insufficient_scope on /otp but reads the balance', async () => {
		const r = await oauth({ id: 'sms-only', secret: 's3cr3t' });
		expect(r.json).toMatchObject({ scope: 'sms', expires_in: 3600 });
		const auth = `Bearer ${r.json.access_token}`;
		const denied = await call('GET', `/otp/a17fb13d-f4ac-4d93-9439-ef41ab8de390`, { auth });
		expect(denied.status).toBe(403);
		expect(denied.json.error).toMatchObject({ type: 'insufficient_scope', code: 1003 });
		expect((await call('GET', '/account/balance', { auth })).status).toBe(200);
		const narrowed = await oauth({ form: 'grant_type=client_credentials&scope=sms' });
		expect(narrowed.json.scope).toBe('sms');
	});

	test('errors carry code 1600', async () => {
		const cases = [
			[await oauth({ secret: 'wrong' }), 401, 'invalid_client'],
			[await oauth({ form: 'scope=otp' }), 400, 'invalid_request'],
			[await oauth({ form: 'grant_type=password' }), 400, 'unsupported_grant_type'],
			[await oauth({ form: 'grant_type=client_credentials&scope=otp%20nope' }), 400, 'invalid_scope'],
			[await oauth({ id: 'sms-only', secret: 's3cr3t', form: 'grant_type=client_credentials&scope=otp' }), 400, 'invalid_scope'],
		];
		for (const [r, status, type] of cases) {
			expect([r.status, r.json.error.type, r.json.error.code]).toEqual([status, type, 1600]);
		}
	});
});

describe('status callbacks', () => {
	const hook = () => `${receiver.url}/hook?token=s3cret-token`;

	test('updates are batched per URL in the otp_update envelope, token redacted in the record', async () => {
		sx.configure({ callbackBatchMs: 1000 });
		const a = await createdOtp({ otpCallbackUrl: hook() });
		const b = await createdOtp({ otpCallbackUrl: hook() });
		await verify(a.otpId, sx.pinOf(a.otpId));
		await sx.flushCallbacks();
		expect(receiver.hits).toHaveLength(1);
		const [hit] = receiver.hits;
		expect(hit.url).toBe('/hook?token=s3cret-token');
		expect(hit.headers['content-type']).toBe('application/json');
		expect(hit.body.event).toBe('otp_update');
		expect(hit.body.data.map((o) => [o.otpId, o.status])).toEqual([[a.otpId, 'PENDING'], [b.otpId, 'PENDING'], [a.otpId, 'VERIFIED']]);
		expect(Object.keys(hit.body.data[0])).toEqual(Object.keys(a));
		expect(sx.callbackDeliveries).toEqual([expect.objectContaining({
			url: `${receiver.url}/hook?token=***`, event: 'otp_update', entries: 3, statuses: ['PENDING', 'PENDING', 'VERIFIED'], httpStatus: 200, attempt: 1,
		})]);
		expect(JSON.stringify(sx.callbackDeliveries)).not.toContain('s3cret');
	});

	test('the batch timer sends on its own; callbackOnCreate false skips the PENDING update', async () => {
		sx.configure({ callbackBatchMs: 10, callbackOnCreate: false });
		const { otpId } = await createdOtp({ otpCallbackUrl: hook() });
		await call('DELETE', `/otp/${otpId}`);
		await new Promise((r) => setTimeout(r, 80));
		await sx.flushCallbacks();
		expect(receiver.hits.map((h) => h.body.data.map((o) => o.status))).toEqual([['CANCELLED']]);
	});

	test('expiry and failure produce updates', async () => {
		sx.configure({ callbackOnCreate: false });
		const failing = await createdOtp({ otpCallbackUrl: hook(), maxAttempts: 1 });
		await createdOtp({ otpCallbackUrl: hook() });
		await verify(failing.otpId, 'nope');
		sx.advanceClock(200);
		await sx.flushCallbacks();
		expect(receiver.hits.flatMap((h) => h.body.data.map((o) => o.status))).toEqual(['FAILED', 'EXPIRED']);
	});

	test('non-2xx is retried callbackRetries times, each attempt recorded', async () => {
		sx.configure({ callbackRetryDelayMs: 10 });
		receiver.replies.push(500, 503, 500);
		await createdOtp({ otpCallbackUrl: hook() });
		await sx.flushCallbacks();
		expect(sx.callbackDeliveries.map((d) => [d.attempt, d.httpStatus])).toEqual([[1, 500], [2, 503], [3, 500]]);
		receiver.replies.push(502);
		await createdOtp({ otpCallbackUrl: hook() });
		await sx.flushCallbacks();
		expect(sx.callbackDeliveries.slice(3).map((d) => [d.attempt, d.httpStatus])).toEqual([[1, 502], [2, 200]]);
	});

	test('a network error is recorded and retried', async () => {
		sx.configure({ callbackRetries: 1, callbackRetryDelayMs: 5 });
		await createdOtp({ otpCallbackUrl: 'http://127.0.0.1:1/hook' });
		await sx.flushCallbacks();
		expect(sx.callbackDeliveries.map((d) => [d.attempt, d.httpStatus, d.error])).toEqual([[1, null, 'ECONNREFUSED'], [2, null, 'ECONNREFUSED']]);
	});

	test('more than 200 entries are split; duplicateCallbacks delivers each batch twice', async () => {
		sx.configure({ callbackBatchMs: 5000, duplicateCallbacks: true });
		for (let i = 0; i < 201; i++) await createdOtp({ otpCallbackUrl: hook() });
		await sx.flushCallbacks();
		expect(receiver.hits.map((h) => h.body.data.length).sort((x, y) => x - y)).toEqual([1, 1, 200, 200]);
	});
});

describe('fault injection', () => {
	test('status: a JSON server_error, not processed', async () => {
		sx.injectFault({ kind: 'status', status: 503, path: '/otp' });
		const r = await newOtp();
		expect(r.status).toBe(503);
		expect(r.json.error).toMatchObject({ type: 'server_error' });
		expect(sx.messages).toEqual([]);
		expect((await newOtp()).status).toBe(201); // times defaults to 1
	});

	test('html: a text/html page, not processed', async () => {
		sx.injectFault({ kind: 'html' });
		const r = await newOtp();
		expect(r.status).toBe(502);
		expect(r.headers.get('content-type')).toMatch(/^text\/html/);
		expect(r.text).toContain('<html>');
		expect(sx.messages).toEqual([]);
	});

	test('malformedJson: processed, then a truncated JSON body with the normal status', async () => {
		sx.injectFault({ kind: 'malformedJson', method: 'POST', path: '/otp' });
		const r = await newOtp();
		expect(r.status).toBe(201);
		expect(r.json).toBeUndefined();
		expect(sx.messages).toHaveLength(1);
	});

	test('hang: no answer and no processing; close() still ends promptly', async () => {
		const other = await startStandIn({ port: 0 });
		other.injectFault({ kind: 'hang' });
		const hung = fetch(`${other.url}/otp`, {
			method: 'POST', headers: { 'X-API-KEY': other.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ phoneNumber: PHONE }),
		}).then(() => 'answered', () => 'failed');
		await new Promise((r) => setTimeout(r, 100));
		expect(other.requests()).toEqual([expect.objectContaining({ method: 'POST', path: '/otp', fault: 'hang', status: null })]);
		expect(other.messages).toEqual([]);
		const t = Date.now();
		await other.close();
		expect(Date.now() - t).toBeLessThan(500);
		expect(await hung).toBe('failed');
	});

	test('hang until the client gives up', async () => {
		sx.injectFault({ kind: 'hang', path: /^\/otp\// });
		const { otpId } = await createdOtp();
		await expect(call('GET', `/otp/${otpId}`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
		expect((await call('GET', `/otp/${otpId}`)).status).toBe(200);
	});

	test('closeBeforeProcessing: the socket drops, nothing is processed', async () => {
		sx.injectFault({ kind: 'closeBeforeProcessing', method: 'POST' });
		await expect(newOtp()).rejects.toThrow();
		expect(sx.messages).toEqual([]);
		expect(sx.requests()[0]).toMatchObject({ fault: 'closeBeforeProcessing', status: null });
	});

	test('closeAfterProcessing: the OTP is created (and paid), then the socket drops', async () => {
		sx.injectFault({ kind: 'closeAfterProcessing' });
		await expect(newOtp()).rejects.toThrow();
		expect(sx.messages).toHaveLength(1);
		expect((await call('GET', '/account/balance')).json.balance).toBe(99.955);
	});

	test('rateLimit: 429 with Reset about resetInSeconds ahead, not processed', async () => {
		sx.injectFault({ kind: 'rateLimit', resetInSeconds: 5 });
		const r = await newOtp();
		expect(r.status).toBe(429);
		expect(r.json.error.type).toBe('rate_limit');
		const wait = Number(r.headers.get('x-rate-limit-reset')) * 1000 - Date.now();
		expect(wait).toBeGreaterThan(4000);
		expect(wait).toBeLessThanOrEqual(6000);
		expect(sx.messages).toEqual([]);
	});

	test('times and matching: only the matching requests, as many times as asked', async () => {
		sx.injectFault({ kind: 'status', status: 500, method: 'GET', path: /^\/otp\//, times: 2 });
		const { otpId } = await createdOtp();
		expect((await call('GET', `/otp/${otpId}`)).status).toBe(500);
		expect((await call('GET', '/account/balance')).status).toBe(200);
		expect((await call('GET', `/otp/${otpId}`)).status).toBe(500);
		expect((await call('GET', `/otp/${otpId}`)).status).toBe(200);
		expect(sx.requests({ method: 'GET', path: /^\/otp\// }).map((e) => e.fault)).toEqual(['status', 'status', null]);
	});
});

describe('control surface', () => {
	const control = async (method, route, body) => {
		const res = await fetch(`${sx.url}/__control/${route}`, {
			method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: res.status, json: await res.json() };
	};

	test('reads OTPs with their PIN, messages, requests and callbacks; is not logged', async () => {
		const { otpId } = await createdOtp({ otpCallbackUrl: `${receiver.url}/hook` });
		const rec = await control('GET', `otps/${otpId}`);
		expect(rec.json).toMatchObject({ otpId, pin: sx.pinOf(otpId), status: 'PENDING' });
		expect((await control('GET', 'otps/nope')).status).toBe(404);
		expect((await control('GET', 'messages')).json[0].otpId).toBe(otpId);
		expect((await control('GET', 'requests?method=POST&path=/otp')).json).toHaveLength(1);
		const flushed = await control('POST', 'flush-callbacks');
		expect(flushed.json).toHaveLength(1);
		expect((await control('GET', 'callbacks')).json).toHaveLength(1);
		expect((await control('GET', 'info')).json).toMatchObject({ url: sx.url, apiKey: sx.apiKey });
		expect(sx.requests().every((e) => !e.path.startsWith('/__control'))).toBe(true);
	});

	test('injects faults, moves the clock, configures and resets', async () => {
		expect((await control('POST', 'faults', { kind: 'status', status: 500, pathRegex: '^/account', times: 'Infinity' })).status).toBe(200);
		expect((await call('GET', '/account/balance')).status).toBe(500);
		expect((await call('GET', '/account/balance')).status).toBe(500);
		const { otpId } = await createdOtp();
		await control('POST', 'clock', { advanceSeconds: 181 });
		expect(sx.otp(otpId).status).toBe('EXPIRED');
		await control('POST', 'configure', { balance: 7 });
		expect((await control('POST', 'faults', { kind: 'nope' })).status).toBe(400);
		await control('POST', 'reset');
		expect(await call('GET', '/account/balance')).toMatchObject({ status: 200, json: { balance: 100 } });
		expect(sx.otp(otpId)).toBeUndefined();
	});
});

test('reset forgets everything and restores the initial options', async () => {
	sx.configure({ balance: 1, defaults: { pinLength: 8 } });
	await createdOtp();
	sx.injectFault({ kind: 'status', times: Infinity });
	sx.reset();
	expect([sx.messages, sx.requests(), sx.callbackDeliveries]).toEqual([[], [], []]);
	const otp = await createdOtp();
	expect(sx.pinOf(otp.otpId)).toHaveLength(4);
	expect((await call('GET', '/account/balance')).json.balance).toBe(99.955);
});

test('the CLI prints its URL and credentials as JSON, serves, and exits cleanly on SIGTERM', async () => {
	const child = spawn(process.execPath, [path.join(__dirname, 'stand-in', 'cli.js'), '--port', '0', '--balance', '12.5'], { stdio: ['ignore', 'pipe', 'inherit'] });
	const first = await new Promise((resolve) => {
		let out = '';
		child.stdout.on('data', (c) => {
			out += c;
			if (out.includes('\n')) resolve(out.split('\n')[0]);
		});
	});
	const info = JSON.parse(first);
	expect(info).toMatchObject({ apiKey: 'sandbox-api-key', accessToken: 'sandbox-access-token' });
	const res = await fetch(`${info.url}/account/balance`, { headers: { 'X-API-KEY': info.apiKey } });
	expect((await res.json()).balance).toBe(12.5);
	const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
	child.kill('SIGTERM');
	expect(await exited).toBe(0);
});

// Issue 16, the dispatcher's edges: rate-limit headers read through one bounded parser, queue time that is not
// rate-limit time, one abort listener per execution, a registry that never releases a dispatcher in use, a stop
// during the OAuth2 token request, and messages that say "Nothing was sent" only when nothing left.
// Each test failed on the dispatcher before issue 16 (see the "before" notes), except the token-cancel one.
const path = require('path');
const https = require('https');
const os = require('os');
const fs = require('fs');
const { execFileSync } = require('child_process');
const { getEventListeners } = require('events');
const { useSandbox, sendParams, expectNoSecrets } = require('./helpers');
const { startOtpNode } = require('./engine/harness');

const dist = path.join(__dirname, '..', 'dist', 'nodes', 'shared');
const { dispatcherFor } = require(path.join(dist, 'dispatcher.js'));

const sandbox = useSandbox();

const posts = () => sandbox.sx.requests({ method: 'POST', path: '/otp' });
const phone = (i) => `+336122${String(46400 + i)}`;

async function until(check) {
	while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('rate-limit headers through one bounded parser (Remaining missing)', () => {
	// 12 sends at 5 per 2 s window: 3 windows. The reset is sent in each style a server or proxy might use.
	test.each([
		['epoch milliseconds', { resetStyle: 'epochMs' }],
		['delta seconds', { resetStyle: 'delta' }],
		['1e20', { headerText: { reset: '1e20' } }],
		['empty', { headerText: { reset: '' } }],
		['"abc"', { headerText: { reset: 'abc' } }],
	])('X-Rate-Limit-Reset in %s: the run ends on its own, every item sent once, soon after the real reset', async (_, style) => {
		sandbox.sx.configure({ rateLimit: { limit: 5, windowSeconds: 2, remainingHeader: false, ...style } });
		const items = Array.from({ length: 12 }, (_, i) => ({ phone: phone(i) }));
		const result = await startOtpNode({
			parameters: sendParams('={{ $json.phone }}', {}, { rateLimitRetries: 20 }),
			items,
			credentials: sandbox.credentials.apiKey,
		}).done;
		// before: epoch ms closed the gate until the year 58897 (every item failed); 1e20 threw a RangeError in
		// the pump (an unhandled rejection, and the run never ended)
		expect(result.status).toBe('success');
		expect(sandbox.sx.messages).toHaveLength(12);
		const sent = posts().filter((r) => r.status === 201);
		expect(sent).toHaveLength(12);
		// the last one left within 10 s of the reset of the window it could first fit in (the third window)
		const firstWindow = Math.floor(posts()[0].at / 2000) * 2000;
		expect(sent[11].at - (firstWindow + 4000)).toBeLessThanOrEqual(10000);
		expect(JSON.stringify(result.error || {})).not.toMatch(/1970-01-01|58897/);
	}, 30000);

	test('without X-Rate-Limit-Remaining the run keeps its Concurrency', async () => {
		sandbox.sx.configure({ rateLimit: { remainingHeader: false }, latencyMs: 100 });
		await startOtpNode({ parameters: sendParams(), credentials: sandbox.credentials.apiKey }).done; // a first answer
		const items = Array.from({ length: 10 }, (_, i) => ({ phone: phone(i) }));
		const result = await startOtpNode({
			parameters: sendParams('={{ $json.phone }}', {}, { concurrency: 5 }),
			items,
			credentials: sandbox.credentials.apiKey,
		}).done;
		expect(result.status).toBe('success');
		// before: one at a time forever
		expect(sandbox.sx.maxConcurrentRequests).toBe(5);
	});
});

describe('the learned window can grow back', () => {
	const { RateLimitGate } = require(path.join(dist, 'rateLimit.js'));
	test('two resets 1 s apart, then windows of 3 s: an unknown reset waits 3 s, not 1 s', () => {
		const gate = new RateLimitGate();
		const now = Date.now();
		const reset = (at) => gate.learn(429, { 'x-rate-limit-reset': String(Math.floor(at / 1000)) }, now);
		const t0 = Math.floor(now / 1000) * 1000;
		reset(t0);
		reset(t0 + 1000);
		for (let i = 1; i <= 5; i++) reset(t0 + 1000 + i * 3000);
		gate.learn(429, {}, now);
		// before: Math.min kept the 1 s window for the life of the process
		expect(gate.closedUntil(now) - now).toBeGreaterThanOrEqual(3000);
	});
});

describe('queue time is not rate-limit time', () => {
	test('Max Rate Limit Wait 0, Concurrency 5: every item is sent (nothing refused them)', async () => {
		const items = Array.from({ length: 5 }, (_, i) => ({ phone: phone(i) }));
		const result = await sandbox.run(sendParams('={{ $json.phone }}', {}, { maxRateLimitWait: 0, concurrency: 5 }), {
			items,
			onError: 'continueErrorOutput',
		});
		// before: 1 sent, 4 failed with "… longer than Max Rate Limit Wait (0 s) … (HTTP 429)"
		expect(result.errors).toHaveLength(0);
		expect(result.success).toHaveLength(5);
		expect(posts().filter((r) => r.status === 201)).toHaveLength(5);
	});
});

describe('one abort listener per execution', () => {
	test('runs of one execution share one listener, removed when the last run closes', () => {
		const credentials = sandbox.credentials.apiKey;
		const execution = new AbortController();
		const runs = Array.from({ length: 12 }, () => dispatcherFor(credentials).open({}, credentials, 1, execution.signal));
		// before: one listener per run (12: MaxListenersExceededWarning), never removed
		expect(getEventListeners(execution.signal, 'abort')).toHaveLength(1);
		for (const run of runs.slice(1)) run.close();
		expect(getEventListeners(execution.signal, 'abort')).toHaveLength(1);
		execution.abort();
		expect(runs[0].cancelled).toBe(true);
		runs[0].close();
		expect(getEventListeners(execution.signal, 'abort')).toHaveLength(0);
	});
});

describe('the registry never releases a dispatcher in use', () => {
	test('100 other credentials later, a credential in use still has its one dispatcher', () => {
		const credentials = { authType: 'apiKey', apiKey: 'in-use', baseUrl: sandbox.sx.url };
		const dispatcher = dispatcherFor(credentials);
		const run = dispatcher.open({}, credentials, 1);
		for (let i = 0; i < 100; i++) dispatcherFor({ authType: 'apiKey', apiKey: `other-${i}`, baseUrl: sandbox.sx.url });
		// before: the LRU released it, and the next run got a second gate and token holder
		expect(dispatcherFor(credentials)).toBe(dispatcher);
		run.close();
	});
});

describe('a stop during the OAuth2 token request', () => {
	test('cancelled while the token is fetched: the Send never leaves', async () => {
		sandbox.sx.configure({ latencyMs: 300 });
		const running = startOtpNode({ parameters: sendParams(), credentials: sandbox.credentials.oAuth2ClientCredentials });
		await until(() => sandbox.sx.requests({ method: 'POST', path: '/oauth/token' }).length === 1);
		running.cancel();
		const result = await running.done;
		expect(result.status).toBe('canceled');
		await new Promise((resolve) => setTimeout(resolve, 500)); // the token's answer arrives meanwhile
		// (a cancel was already kept home by n8n's own abort signal on the request; a stop by another item is not
		// n8n's, and is kept home by the same leave check, run by the credential's authenticate)
		expect(posts()).toHaveLength(0);
		expect(sandbox.sx.messages).toHaveLength(0);
	});

	test('a stop that lands while the token is fetched: the credential refuses to send the call (the leave check)', async () => {
		// n8n runs preAuthentication (the token request), then the credential's authenticate, then sends: a run
		// stopped by another item's failure meanwhile (e.g. a token renewed mid-run) is asked at that last step
		const { SmscxApi } = require(path.join(__dirname, '..', 'dist', 'credentials', 'SmscxApi.credentials.js'));
		const { withLeaveCheck, NotSent } = require(path.join(dist, 'call.js'));
		const credential = new SmscxApi();
		const data = { ...sandbox.credentials.oAuth2ClientCredentials, oauthAccessToken: 'sxat_x' };
		let stopped = false;
		const marked = withLeaveCheck(data, () => (stopped ? new NotSent('stopped') : undefined));
		await expect(credential.authenticate(marked, { headers: {} })).resolves.toBeDefined();
		stopped = true;
		await expect(credential.authenticate(marked, { headers: {} })).rejects.toThrow(/Not sent: the run stopped/);
		// the mark is never saved with the credential
		expect(Object.keys({ ...marked })).not.toContain('smscxLeaveCheck');
		expect(JSON.stringify(marked)).not.toMatch(/LeaveCheck/);
	});
});

describe('messages say "Nothing was sent" only when nothing left', () => {
	test('a Base URL with user:pass@ is never echoed', async () => {
		const result = await sandbox.run(sendParams(), {
			credentials: { ...sandbox.credentials.apiKey, baseUrl: 'http://someone:hunter2-secret@127.0.0.1:9' },
		});
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/could not connect to http:\/\/127\.0\.0\.1:9: the connection was refused/);
		// before: "could not connect to http://someone:hunter2-secret@127.0.0.1:9"
		expect(JSON.stringify({ ...result.error, m: result.error.message, d: result.error.description }) + result.serialized).not.toMatch(
			/hunter2/,
		);
	});

	test('OAuth2 invalid_client: OAuth advice once, "Nothing was sent" once, no API-key advice', async () => {
		const result = await sandbox.run(sendParams(), {
			auth: 'oAuth2ClientCredentials',
			credentials: { ...sandbox.credentials.oAuth2ClientCredentials, applicationSecret: 'wrong' },
		});
		const text = `${result.error.message} ${result.error.description}`;
		// before: "… Nothing was sent (HTTP 401). Nothing was sent: check the API key or token …"
		expect(text.match(/Nothing was sent/g)).toHaveLength(1);
		expect(text).not.toMatch(/API key/);
		expect(result.error.message).toMatch(/invalid_client/);
		expectNoSecrets(result);
	});

	test('https to a server that does not speak TLS: nothing was sent, and Send is not marked as maybe charged', async () => {
		const result = await sandbox.run(sendParams(), {
			credentials: { ...sandbox.credentials.apiKey, baseUrl: sandbox.sx.url.replace('http:', 'https:') },
		});
		expect(result.status).toBe('error');
		// before: "The SMS may have been sent and charged"
		expect(result.error.message).toMatch(/Nothing was sent: check the Base URL/);
		expect(result.error.description).not.toMatch(/may have processed/);
		expect(posts()).toHaveLength(0);
	});

	test('a self-signed certificate: nothing was sent', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smscx-tls-'));
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
			'-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
		const server = https.createServer(
			{ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
			(_, res) => res.end('{}'),
		);
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const result = await sandbox.run(sendParams(), {
				credentials: { ...sandbox.credentials.apiKey, baseUrl: `https://127.0.0.1:${server.address().port}` },
			});
			expect(result.status).toBe('error');
			expect(result.error.description).toMatch(/Network code: (DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID)/);
			expect(result.error.message).toMatch(/TLS certificate.*Nothing was sent: check the Base URL/);
		} finally {
			server.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	test('an invalid Base URL: nothing was sent', async () => {
		const result = await sandbox.run(sendParams(), { credentials: { ...sandbox.credentials.apiKey, baseUrl: 'http://exa mple' } });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/Nothing was sent/);
		expect(result.error.message).not.toMatch(/may have been sent/);
	});
});

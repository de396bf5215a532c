// Many executions, one rate limit: the credential's dispatcher is shared by every execution in the process.
// Each test is one defect of issue 9, run through n8n's engine against the stand-in; they count requests and
// order events, they do not time them.
const { useSandbox, sendParams, expectNoSecrets } = require('./helpers');
const { runConcurrently, startOtpNode } = require('./engine/harness');

const sandbox = useSandbox();

const posts = () => sandbox.sx.requests({ method: 'POST', path: '/otp' });
const statusOf = (requests) => requests.map((r) => r.status);
const count = (requests, status) => requests.filter((r) => r.status === status).length;
const phone = (i) => `+336122${String(46400 + i)}`;

/** Resolves once the stand-in's request log satisfies `check` (polls the log, not the clock). */
async function until(check) {
	while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

async function pendingOtpIds(n) {
	const ids = [];
	for (let i = 0; i < n; i++) {
		const response = await fetch(`${sandbox.sx.url}/otp`, {
			method: 'POST',
			headers: { 'X-API-KEY': sandbox.credentials.apiKey.apiKey, 'Content-Type': 'application/json' },
			body: JSON.stringify({ phoneNumber: phone(i) }),
		});
		ids.push((await response.json()).otpId);
	}
	return ids;
}

describe('sign-up burst: many executions of one item each', () => {
	test('60 executions at 20 requests/s: all sent, each once, at most 5% refused with 429', async () => {
		sandbox.sx.configure({ rateLimit: { limit: 20, windowSeconds: 1 } });
		const results = await runConcurrently(60, (i) => ({ parameters: sendParams(phone(i)), credentials: sandbox.credentials.apiKey }));
		expect(results.map((r) => r.status)).toEqual(Array(60).fill('success'));
		expect(count(posts(), 201)).toBe(60);
		expect(sandbox.sx.messages).toHaveLength(60);
		// before: every execution's own pacer retried at the same reset, 558 refusals for 200 sign-ups
		expect(count(posts(), 429)).toBeLessThanOrEqual(3);
	});

	test('the executions share one queue: a sign-up is not held behind a bulk run', async () => {
		sandbox.sx.configure({ rateLimit: { limit: 10, windowSeconds: 1 }, latencyMs: 5 });
		const ids = await pendingOtpIds(1);
		sandbox.sx.reset(); // a fresh window; the OTP stays known to the test through its id only
		sandbox.sx.configure({ rateLimit: { limit: 10, windowSeconds: 1 }, latencyMs: 5 });
		const bulk = startOtpNode({
			parameters: { operation: 'status', otpId: '={{ $json.id }}' },
			items: Array.from({ length: 40 }, () => ({ id: ids[0] })),
			credentials: sandbox.credentials.apiKey,
			onError: 'continueRegularOutput',
		});
		await until(() => sandbox.sx.requests({ method: 'GET' }).length >= 5);
		const before = sandbox.sx.requests().length;
		const signUp = await startOtpNode({ parameters: sendParams(), credentials: sandbox.credentials.apiKey }).done;
		await bulk.done;
		expect(signUp.status).toBe('success');
		// the sign-up's POST came within a few turns of its arrival, not after the 35 status checks left
		const position = sandbox.sx.requests().findIndex((r) => r.method === 'POST') - before;
		expect(position).toBeLessThanOrEqual(6);
	});
});

describe('Max Rate Limit Wait bounds every call', () => {
	test('8 items, max wait 5 s, a reset 30 s away: every item fails at once, nothing sent after', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'rateLimit', resetInSeconds: 30 });
		const items = Array.from({ length: 8 }, (_, i) => ({ phone: phone(i) }));
		const result = await sandbox.run(sendParams('={{ $json.phone }}', {}, { maxRateLimitWait: 5 }), {
			items,
			onError: 'continueErrorOutput',
		});
		expect(result.errors).toHaveLength(8);
		expect(result.errors.map((item) => item.pairedItem.item)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		for (const item of result.errors) expect(item.json.error).toMatch(/HTTP 429/);
		expect(result.errors[1].json.error).toMatch(/would hold this call until \d{4}-\d\d-\d\dT.*Max Rate Limit Wait \(5 s\).*not sent/);
		// before: the 7 others were sent 30 s later
		expect(posts()).toHaveLength(1);
		expect(sandbox.sx.messages).toHaveLength(0);
	});

	test('a reset 24.8 days away is not believed: waited as an unknown reset, no timer overflow, no far date', async () => {
		const warnings = [];
		const onWarning = (warning) => warnings.push(warning.name);
		process.on('warning', onWarning);
		sandbox.sx.injectFault({ method: 'GET', kind: 'rateLimit', resetInSeconds: 2142720, times: Infinity });
		const result = await sandbox.run({
			operation: 'status',
			otpId: 'a17fb13d-f4ac-4d93-9439-ef41ab8de390',
			options: { maxRateLimitWait: 3600, rateLimitRetries: 1 },
		});
		process.off('warning', onWarning);
		expect(result.status).toBe('error');
		// before (issue 16): the gate believed any reset up to the wait; more than an hour away is now "unknown"
		expect(result.error.message).toMatch(/HTTP 429.*Nothing was sent/);
		expect(result.error.description).toMatch(/named no usable reset time/);
		expect(sandbox.sx.requests({ method: 'GET' })).toHaveLength(2);
		expect(warnings).not.toContain('TimeoutOverflowWarning');
	});
});

describe('the clock: a reset that is past or missing never means "retry now"', () => {
	test('X-Rate-Limit-Reset one second behind: 30 status checks all succeed', async () => {
		const ids = await pendingOtpIds(3);
		sandbox.sx.configure({ rateLimit: { limit: 10, windowSeconds: 1, resetSkewSeconds: -1 } });
		const result = await sandbox.run(
			{ operation: 'status', otpId: '={{ $json.id }}' },
			{ items: Array.from({ length: 30 }, (_, i) => ({ id: ids[i % 3] })) },
		);
		// before: every retry went out at once and all of them were refused
		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(30);
		expect(count(sandbox.sx.requests({ method: 'GET' }), 200)).toBe(30);
		expect(count(sandbox.sx.requests({ method: 'GET' }), 429)).toBeLessThanOrEqual(3);
	});

	test.each([
		['a reset already past', { resetInSeconds: -5 }],
		['no reset header', { resetHeader: false }],
	])('%s: the call waits a window, then is sent (retries are not burnt at once)', async (_, fault) => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'rateLimit', times: 2, ...fault });
		const result = await sandbox.run(sendParams('+33612246400', {}, { rateLimitRetries: 2 }));
		expect(result.status).toBe('success');
		expect(statusOf(posts())).toEqual([429, 429, 201]);
		// each retry waited: the three requests fell in three different wall-clock seconds of the stand-in's log
		const seconds = posts().map((r) => Math.floor(r.at / 1000));
		expect(new Set(seconds).size).toBe(3);
	});
});

describe('Stop Workflow stops', () => {
	test('after a failed Send nothing more leaves, and the error lists the OTPs already sent', async () => {
		sandbox.sx.configure({ latencyMs: 20 });
		const items = Array.from({ length: 20 }, (_, i) => ({ phone: phone(i) }));
		const running = startOtpNode({
			parameters: sendParams('={{ $json.phone }}', {}, { concurrency: 1 }),
			items,
			credentials: sandbox.credentials.apiKey,
		});
		await until(() => count(posts(), 201) >= 3);
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'closeAfterProcessing' });
		const result = await running.done;
		expect(result.status).toBe('error');
		const sent = posts().filter((r) => r.status === 201);
		// the failed one was the last to leave: before, the run kept sending
		expect(posts().length).toBe(sent.length + 1);
		expect(posts().length).toBeLessThan(20);
		expect(result.error.context.itemIndex).toBe(sent.length);
		// every OTP sent before the failure is listed with its phone number, for a check or cancel before a re-run
		const listed = [...result.error.description.matchAll(/otpId ([0-9a-f-]{36}) to (\+\d+)/g)];
		expect(listed).toHaveLength(sent.length);
		for (const [, otpId, phoneNumber] of listed) expect(sandbox.sx.otp(otpId).phoneNumber).toBe(phoneNumber);
		expect(result.error.description).toMatch(/Already sent in this run .*item 0: otpId [0-9a-f-]{36} to \+336122464/);
		expectNoSecrets(result);
	});

	test('items held by a 429 when another fails are never sent', async () => {
		sandbox.sx.configure({ rateLimit: { limit: 1, windowSeconds: 1 } });
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'rateLimit', resetInSeconds: 2 });
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'status', status: 500 });
		const items = Array.from({ length: 5 }, (_, i) => ({ phone: phone(i) }));
		const result = await sandbox.run(sendParams('={{ $json.phone }}', {}, { concurrency: 5 }), { items });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/HTTP 500/);
		// the probe met the 429, the first after the reset met the 500; the other 4 were never sent
		expect(statusOf(posts())).toEqual([429, 500]);
		expect(sandbox.sx.messages).toHaveLength(0);
	});
});

describe('cancellation', () => {
	test('a cancelled execution stops waiting for the rate limit and sends nothing more', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'rateLimit', resetInSeconds: 20 });
		const items = Array.from({ length: 4 }, (_, i) => ({ phone: phone(i) }));
		const running = startOtpNode({ parameters: sendParams('={{ $json.phone }}'), items, credentials: sandbox.credentials.apiKey });
		await until(() => posts().length === 1 && posts()[0].status === 429);
		running.cancel();
		const result = await running.done; // within the test's timeout, long before the 20 s reset
		expect(result.status).toBe('canceled');
		expect(posts()).toHaveLength(1);
		expect(sandbox.sx.messages).toHaveLength(0);
	}, 10000);
});

describe('options set by expression are validated', () => {
	test.each([
		['concurrency', 'abc', /Concurrency \(concurrency\) is not a whole number/],
		['concurrency', 0, /Concurrency \(concurrency\) is below the minimum of 1/],
		['timeout', -5, /Timeout \(Ms\) \(timeout\) is below the minimum of 100/],
		['timeout', 0, /Timeout \(Ms\) \(timeout\) is below the minimum/],
		['timeout', 'abc', /Timeout \(Ms\) \(timeout\) is not a whole number/],
		['rateLimitRetries', 2.5, /Rate Limit Retries \(rateLimitRetries\) is not a whole number/],
		['maxRateLimitWait', 86400, /Max Rate Limit Wait \(Seconds\) \(maxRateLimitWait\) is above the maximum of 3600/],
		['transientRetries', '{}', /Retries on Temporary Failures \(transientRetries\) is not a whole number/],
	])('%s = %p: every item fails naming the option, nothing is sent', async (name, value, message) => {
		const items = [{ phone: phone(0) }, { phone: phone(1) }, { phone: phone(2) }];
		const options = { [name]: `={{ ${JSON.stringify(value)} }}` };
		const withErrorOutput = await sandbox.run(sendParams('={{ $json.phone }}', {}, options), {
			items,
			onError: 'continueErrorOutput',
		});
		// before: Concurrency "abc" lost every item and the run said success
		expect(withErrorOutput.errors).toHaveLength(3);
		expect(withErrorOutput.errors.map((item) => item.pairedItem.item)).toEqual([0, 1, 2]);
		expect(withErrorOutput.errors[0].json.error).toMatch(message);
		const stopped = await sandbox.run(sendParams('={{ $json.phone }}', {}, options), { items });
		expect(stopped.status).toBe('error');
		expect(stopped.error.message).toMatch(message);
		expect(stopped.error.context.itemIndex).toBe(0);
		expect(posts()).toHaveLength(0);
	});

	test('whole numbers given as text are accepted', async () => {
		const result = await sandbox.run(sendParams('+33612246400', {}, { concurrency: '={{ "3" }}', timeout: '={{ "5000" }}' }));
		expect(result.status).toBe('success');
	});
});

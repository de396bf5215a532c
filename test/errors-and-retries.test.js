// What users see when things go wrong: continue-on-fail and the error output (paired, nothing lost or
// doubled), waiting out the rate limit, and which failures are retried (never a paid POST that may have
// been processed).
const { useSandbox, expectNoSecrets, sendParams } = require('./helpers');

const sandbox = useSandbox();

const postsToOtp = () => sandbox.sx.requests({ method: 'POST', path: '/otp' });
const fastRetries = { timeout: 1000 };

describe('continue on fail and the error output', () => {
	const phones = [{ phone: '+33612246400' }, { phone: 'not a number' }, { phone: '+4915123456789' }, { phone: '' }];
	const params = sendParams('={{ $json.phone }}');

	test('"Continue (using error output)" routes each failed item to the error output, paired', async () => {
		const result = await sandbox.run(params, { items: phones, onError: 'continueErrorOutput' });
		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(result.success.map((item) => item.json.phoneNumber)).toEqual(['+33612246400', '+4915123456789']);
		expect(result.errors.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 3 }]);
		expect(result.errors[0].json.error).toMatch(/Phone Number \(phoneNumber\) is not a valid phone number.*2020/);
		expect(result.errors[1].json.error).toMatch(/\(phoneNumber\) is missing.*2001/);
		expect(postsToOtp()).toHaveLength(2);
	});

	test('"Continue" keeps failed items in place on the one output, the SMS.CX code in the message', async () => {
		sandbox.sx.injectFault({ method: 'GET', kind: 'status', status: 500, times: Infinity });
		const otpIds = ['a17fb13d-f4ac-4d93-9439-ef41ab8de390', 'b17fb13d-f4ac-4d93-9439-ef41ab8de390'];
		const result = await sandbox.run(
			{ operation: 'status', otpId: '={{ $json.id }}', options: { transientRetries: 0 } },
			{ items: otpIds.map((id) => ({ id })), onError: 'continueRegularOutput' },
		);
		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(2);
		expect(result.success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.success[0].json).toEqual({ error: expect.stringMatching(/HTTP 500, code 1500/) });
		expect(result.success[0].error.description).toMatch(/could not handle the request right now/);
	});

	test('without continue on fail a bad item stops the run before any SMS is sent', async () => {
		const result = await sandbox.run(params, { items: phones });
		expect(result.status).toBe('error');
		expect(result.error.context.itemIndex).toBe(1);
		expect(postsToOtp()).toHaveLength(0);
	});

	test('without continue on fail an SMS.CX failure stops launching further items', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'status', status: 500 });
		const many = Array.from({ length: 20 }, () => ({ phone: '+33612246400' }));
		const result = await sandbox.run(sendParams('={{ $json.phone }}', {}, { concurrency: 2 }), { items: many });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/HTTP 500/);
		// the failed one plus at most the one already in flight
		expect(postsToOtp().length).toBeLessThanOrEqual(2);
	});
});

describe('rate limit', () => {
	test('a 429 waits until X-Rate-Limit-Reset, then sends once (any operation)', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'rateLimit', resetInSeconds: 1 });
		const result = await sandbox.run(sendParams());
		expect(result.status).toBe('success');
		const log = postsToOtp();
		expect(log.map((r) => r.status)).toEqual([429, 201]);
		// the second try came after the reset the 429 named: a later wall-clock second
		expect(Math.floor(log[1].at / 1000)).toBeGreaterThan(Math.floor(log[0].at / 1000));
		expect(sandbox.sx.messages).toHaveLength(1);
	});

	test('gives up after "Rate Limit Retries" with the reset time in the message', async () => {
		sandbox.sx.injectFault({ method: 'GET', kind: 'rateLimit', resetInSeconds: 1, times: Infinity });
		const result = await sandbox.run({
			operation: 'status',
			otpId: 'a17fb13d-f4ac-4d93-9439-ef41ab8de390',
			options: { rateLimitRetries: 1 },
		});
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/HTTP 429/);
		expect(result.error.description).toMatch(/rate limit resets at \d{4}-\d\d-\d\dT/);
		expect(sandbox.sx.requests({ method: 'GET' })).toHaveLength(2);
	});

	test('does not wait longer than "Max Rate Limit Wait"', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'rateLimit', resetInSeconds: 30 });
		const result = await sandbox.run(sendParams('+33612246400', {}, { maxRateLimitWait: 5 }));
		expect(result.status).toBe('error');
		expect(postsToOtp()).toHaveLength(1);
	});
});

describe('money: a Send that may have been processed is never sent again', () => {
	test.each([
		['closeAfterProcessing', {}],
		['html', { status: 502 }],
		['malformedJson', {}],
		['hang', {}],
	])('%s %j on POST /otp: one request, a failed item that says it may have been sent', async (kind, extra) => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind, ...extra });
		const result = await sandbox.run(sendParams('+33612246400', {}, fastRetries));
		expect(result.status).toBe('error');
		expect(result.error.description).toMatch(/may have processed this request.*not repeated/s);
		expect(postsToOtp()).toHaveLength(1);
		expectNoSecrets(result);
	});

	test.each([500, 503])('a %i with SMS.CX\'s own error body is SMS.CX saying it failed: not retried automatically, and the message says nothing was charged', async (status) => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'status', status });
		const result = await sandbox.run(sendParams('+33612246400', {}, fastRetries));
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(new RegExp(`HTTP ${status}, code 1500\\)\\. Nothing was charged: try again in a moment\\.$`));
		expect(result.error.description).not.toMatch(/may have/);
		expect(postsToOtp()).toHaveLength(1);
		expectNoSecrets(result);
	});

	test('a connection closed before processing is not retried either (SMS.CX cannot prove it)', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'closeBeforeProcessing' });
		const result = await sandbox.run(sendParams());
		expect(result.status).toBe('error');
		expect(postsToOtp()).toHaveLength(1);
		expect(sandbox.sx.messages).toHaveLength(0);
	});

	test('a refused connection sent nothing, so Send tries again and fails with a clear message', async () => {
		const result = await sandbox.run(sendParams(), {
			credentials: { ...sandbox.credentials.apiKey, baseUrl: 'http://127.0.0.1:9' },
		});
		expect(result.status).toBe('error');
		expect(result.error.message).toBe(
			'SMS.CX: could not connect to http://127.0.0.1:9: the connection was refused. Nothing was sent: check the Base URL in the credential.',
		);
		expect(result.error.description).toMatch(/Check the Base URL.*Network code: ECONNREFUSED/);
	});
});

describe('Get Status retries what is safe to retry', () => {
	async function pendingOtp() {
		const result = await sandbox.run(sendParams());
		return result.success[0].json.otpId;
	}

	test.each([
		['status', { status: 500 }],
		['status', { status: 502 }],
		['html', { status: 503 }],
		['malformedJson', {}],
		['closeBeforeProcessing', {}],
		['closeAfterProcessing', {}],
		['hang', {}],
	])('%s %j: retried with backoff, then answers', async (kind, extra) => {
		const otpId = await pendingOtp();
		sandbox.sx.injectFault({ method: 'GET', kind, ...extra });
		const result = await sandbox.run({ operation: 'status', otpId, options: fastRetries });
		expect(result.status).toBe('success');
		expect(result.success[0].json.otpId).toBe(otpId);
		expect(sandbox.sx.requests({ method: 'GET', path: `/otp/${otpId}` })).toHaveLength(2);
	});

	test('gives up after "Retries on Temporary Failures"', async () => {
		const otpId = await pendingOtp();
		sandbox.sx.injectFault({ method: 'GET', kind: 'status', status: 503, times: Infinity });
		const result = await sandbox.run({ operation: 'status', otpId, options: { transientRetries: 1 } });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/HTTP 503/);
		expect(sandbox.sx.requests({ method: 'GET', path: `/otp/${otpId}` })).toHaveLength(2);
	});

	test('Verify is not retried after a 5xx: the attempt may have been counted', async () => {
		const otpId = await pendingOtp();
		sandbox.sx.injectFault({ method: 'POST', path: `/otp/${otpId}`, kind: 'status', status: 500 });
		const result = await sandbox.run({ operation: 'verify', otpId, pin: sandbox.sx.pinOf(otpId) });
		expect(result.status).toBe('error');
		expect(sandbox.sx.requests({ method: 'POST', path: `/otp/${otpId}` })).toHaveLength(1);
	});
});

// n8n's node setting Retry On Fail runs the whole node again, every item, in the same execution.
describe("n8n's Retry On Fail: an item already answered is not sent again", () => {
	const retryOnFail = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 };
	const numbers = Array.from({ length: 10 }, (_, i) => ({ phone: `+3361224650${i}` }));
	const otpsPerNumber = () => {
		const counts = {};
		for (const otp of sandbox.sx.otps()) counts[otp.phoneNumber] = (counts[otp.phoneNumber] ?? 0) + 1;
		return counts;
	};

	test('10 numbers, the 6th paid call gets a 500 from SMS.CX: 10 paid sends, 10 distinct OTPs, in order', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'status', status: 500, after: 5 });
		const result = await sandbox.run(sendParams('={{ $json.phone }}'), { items: numbers, nodeSettings: retryOnFail });
		expect(result.status).toBe('success');
		expect(sandbox.sx.otps()).toHaveLength(10);
		expect(Object.values(otpsPerNumber())).toEqual(Array(10).fill(1));
		expect(result.success.map((item) => item.json.phoneNumber)).toEqual(numbers.map((n) => n.phone));
		expect(new Set(result.success.map((item) => item.json.otpId)).size).toBe(10);
		expect(result.success.map((item) => item.pairedItem)).toEqual(numbers.map((_, item) => ({ item })));
		expect(postsToOtp()).toHaveLength(11); // the refused one, and each number once
	});

	test('a Send whose answer was lost (may have been sent) is not sent again by the retry; no number pays twice', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'closeAfterProcessing', after: 5 });
		const result = await sandbox.run(sendParams('={{ $json.phone }}'), { items: numbers, nodeSettings: retryOnFail });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/^Not sent again: .*may have been sent/);
		expect(Math.max(...Object.values(otpsPerNumber()))).toBe(1);
		expectNoSecrets(result);
	});

	test('with "Continue" on, a retry n8n starts for a failed first item re-sends only what was not answered', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/otp', kind: 'status', status: 500 });
		const result = await sandbox.run(sendParams('={{ $json.phone }}'), {
			items: numbers,
			onError: 'continueRegularOutput',
			nodeSettings: retryOnFail,
		});
		expect(result.status).toBe('success');
		expect(result.success.every((item) => typeof item.json.otpId === 'string')).toBe(true);
		expect(Object.values(otpsPerNumber())).toEqual(Array(10).fill(1));
	});

	test('Verify: a retry returns the first answer instead of checking the PIN again (which would say "already verified")', async () => {
		const sent = await sandbox.run(sendParams('={{ $json.phone }}'), { items: numbers.slice(0, 2) });
		const checks = sent.success.map((item) => ({ otpId: item.json.otpId, pin: sandbox.sx.pinOf(item.json.otpId) }));
		sandbox.sx.injectFault({ method: 'POST', path: /^\/otp\/./, kind: 'status', status: 500, after: 1 });
		const result = await sandbox.run(
			{ operation: 'verify', otpId: '={{ $json.otpId }}', pin: '={{ $json.pin }}' },
			{ items: checks, nodeSettings: retryOnFail },
		);
		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json.verified)).toEqual([true, true]);
	});
});

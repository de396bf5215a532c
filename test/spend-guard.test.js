// Spend guard: a second paid Send to a number whose OTP is still PENDING is refused with text that tells an
// AI model to verify or wait; outcomes that end the OTP release the number. Counted on the stand-in's log.
const { useSandbox, expectNoSecrets, sendParams } = require('./helpers');
const { startOtpNode, forgetDispatchers } = require('./engine/harness');

const sandbox = useSandbox();
const TOOL = 'n8n-nodes-smscx.smscxOtpTool';

// The guard is per process and this file's tests share one, so each test uses its own number.
let nextNumber = 33612240000;
const freshNumber = () => `+${nextNumber++}`;
const paidSends = () => sandbox.sx.requests({ method: 'POST', path: '/otp' }).length;
const sendAsTool = (phoneNumber, extra = {}) => sandbox.run(sendParams(phoneNumber, extra.fields, extra.options), { type: TOOL, ...extra.run });

describe('Spend guard', () => {
	test('as an AI tool (default on): a looping Send pays once, the repeats are refused with a fix and 0 requests', async () => {
		const phone = freshNumber();
		const first = await sendAsTool(phone);
		expect(first.status).toBe('success');
		expect(first.success[0].json.status).toBe('PENDING');
		for (let i = 0; i < 3; i++) {
			const again = await sendAsTool(phone.replace('+336', '+33 6 '));
			expect(again.status).toBe('error');
			expect(again.error.message).toMatch(/^Not sent: an OTP to this phone number is still pending/);
			expect(again.error.message).toMatch(/Nothing was sent or charged/);
			expect(again.error.message).toMatch(/call Verify with its otpId, or wait until it expires/);
			expectNoSecrets(again, [sandbox.sx.pinOf(first.success[0].json.otpId)]);
		}
		expect(paidSends()).toBe(1);
	});

	test('a plain node has it off unless the option is added; with the option on it refuses too', async () => {
		const phone = freshNumber();
		expect((await sandbox.run(sendParams(phone))).status).toBe('success');
		expect((await sandbox.run(sendParams(phone))).status).toBe('success');
		expect(paidSends()).toBe(2);
		const guarded = freshNumber();
		expect((await sandbox.run(sendParams(guarded, {}, { spendGuard: true }))).status).toBe('success');
		expect((await sandbox.run(sendParams(guarded, {}, { spendGuard: true }))).error.message).toMatch(/^Not sent/);
		expect(paidSends()).toBe(3);
	});

	test('turned off on a tool node, every Send goes out', async () => {
		const phone = freshNumber();
		await sendAsTool(phone, { options: { spendGuard: false } });
		await sendAsTool(phone, { options: { spendGuard: false } });
		expect(paidSends()).toBe(2);
	});

	test('keyed by credential: the same number on another credential is another key', async () => {
		const phone = freshNumber();
		expect((await sendAsTool(phone)).status).toBe('success');
		// Same API key, other credential entry (the harness names it by ID): a separate account in practice.
		const other = await sandbox.run(sendParams(phone), { type: TOOL, credentialId: 'cred-2' });
		expect(other.status).toBe('success');
		expect(paidSends()).toBe(2);
	});

	test('concurrent Sends for one number in one execution: only one goes out, the others are refused', async () => {
		const phone = freshNumber();
		const result = await sandbox.run(
			{ ...sendParams('={{ $json.phone }}'), options: { concurrency: 5 } },
			{ type: TOOL, items: [1, 2, 3, 4, 5].map(() => ({ phone })), onError: 'continueRegularOutput' },
		);
		const refused = result.success.filter((item) => /^Not sent/.test(String(item.json.error)));
		expect(result.success).toHaveLength(5);
		expect(refused).toHaveLength(4);
		expect(result.success.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(paidSends()).toBe(1);
	});

	test('Verify with the right PIN releases the number; a wrong PIN does not', async () => {
		const phone = freshNumber();
		const { otpId } = (await sendAsTool(phone)).success[0].json;
		const wrong = await sandbox.run({ operation: 'verify', otpId, pin: 'zzzz' }, { type: TOOL });
		expect(wrong.success[0].json).toMatchObject({ verified: false, code: 2029 });
		expect((await sendAsTool(phone)).status).toBe('error');
		const right = await sandbox.run({ operation: 'verify', otpId, pin: sandbox.sx.pinOf(otpId) }, { type: TOOL });
		expect(right.success[0].json.verified).toBe(true);
		expect((await sendAsTool(phone)).status).toBe('success');
		expect(paidSends()).toBe(2);
	});

	test('Cancel releases the number, so a new OTP can be sent at once', async () => {
		const phone = freshNumber();
		const { otpId } = (await sendAsTool(phone)).success[0].json;
		expect((await sandbox.run({ operation: 'cancel', otpId })).success[0].json.cancelled).toBe(true);
		expect((await sendAsTool(phone)).status).toBe('success');
		expect(paidSends()).toBe(2);
	});

	test('Get Status showing the OTP expired releases the number', async () => {
		const phone = freshNumber();
		const { otpId } = (await sendAsTool(phone, { fields: { ttl: 60 } })).success[0].json;
		sandbox.sx.advanceClock(61);
		expect((await sandbox.run({ operation: 'status', otpId })).success[0].json.status).toBe('EXPIRED');
		expect((await sendAsTool(phone)).status).toBe('success');
		expect(paidSends()).toBe(2);
	});

	test('a Send SMS.CX refused (nothing sent) does not hold the number', async () => {
		const phone = freshNumber();
		sandbox.sx.injectFault({ kind: 'status', status: 400, method: 'POST', path: '/otp' });
		expect((await sendAsTool(phone)).status).toBe('error');
		expect((await sendAsTool(phone)).status).toBe('success');
	});

	test('a Send whose answer was lost (the SMS may have gone out) keeps the number held', async () => {
		const phone = freshNumber();
		sandbox.sx.injectFault({ kind: 'closeAfterProcessing', method: 'POST', path: '/otp' });
		const lost = await sendAsTool(phone);
		expect(lost.status).toBe('error');
		expect((await sendAsTool(phone)).error.message).toMatch(/^Not sent/);
		expect(paidSends()).toBe(1);
	});

	test.each([
		['a typo with a space', '12 34'],
		['a PIN mapped as a number (0421 became 421)', 421],
	])('Verify with an impossible PIN (%s) spends no attempt and does not release the number', async (_, pin) => {
		const phone = freshNumber();
		const { otpId } = (await sendAsTool(phone)).success[0].json;
		const typo = await sandbox.run({ operation: 'verify', otpId, pin }, { type: TOOL });
		expect(typo.success[0].json).toMatchObject({ verified: false, type: 'invalid_pin_format' });
		expect((await sendAsTool(phone)).error.message).toMatch(/^Not sent: an OTP to this phone number is still pending/);
		expect(paidSends()).toBe(1);
	});

	test('Get Status showing the OTP still pending does not release the number', async () => {
		const phone = freshNumber();
		const { otpId } = (await sendAsTool(phone)).success[0].json;
		expect((await sandbox.run({ operation: 'status', otpId })).success[0].json.status).toBe('PENDING');
		expect((await sendAsTool(phone)).error.message).toMatch(/^Not sent/);
		expect(paidSends()).toBe(1);
	});

	test('a Send stopped before it left (execution cancelled while it waited for the rate limit) releases its number at once', async () => {
		sandbox.sx.configure({ rateLimit: { limit: 1, windowSeconds: 30 } });
		expect((await sendAsTool(freshNumber())).status).toBe('success'); // the window's one request is used
		const phone = freshNumber();
		const waiting = startOtpNode({ parameters: sendParams(phone), credentials: sandbox.credentials.apiKey, type: TOOL });
		await new Promise((resolve) => setTimeout(resolve, 300));
		waiting.cancel();
		expect((await waiting.done).status).toBe('canceled');
		// Not waiting out the window: SMS.CX lifts the limit, and a fresh dispatcher has not learned it (the
		// spend guard lives apart from the dispatchers, so it still holds whatever it held).
		sandbox.sx.configure({ rateLimit: { limit: 100, windowSeconds: 30 } });
		forgetDispatchers();
		const again = await sendAsTool(phone);
		expect(again.error?.message).toBeUndefined();
		expect(again.status).toBe('success');
		expect(sandbox.sx.otps()).toHaveLength(2); // the waiting Send's first request met the 429: refused, not paid
	});
});

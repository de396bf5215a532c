// SMS.CX OTP Trigger: SMS.CX does not sign callbacks, so only URLs carrying the credential's webhook secret as
// ?token= start anything; without a secret the trigger does not activate, unless the user opted out.
const {
	SECRETS,
	useTriggerSandbox,
	startTrigger,
	withoutSecret,
	sendOtp,
	verifyOtp,
	deliver,
	expectSecretNowhere,
	callback,
	entry,
	otpIdOf,
	token,
} = require('./setup');
const { tokenMatches } = require('../../dist/nodes/SmscxOtpTrigger/token');

const sandbox = useTriggerSandbox();
let trigger;
afterEach(() => trigger && trigger.close());

const UNAUTHORIZED = { status: 401, text: JSON.stringify({ message: 'Unauthorized: the callback URL needs the right ?token=' }) };

describe('the token', () => {
	test.each([
		['no token', ''],
		['a wrong token', '?token=whsec-guess'],
		['the secret with a character missing', `?token=${SECRETS.webhookSecret.slice(0, -1)}`],
		['an empty token', '?token='],
		['the token twice', `${token}&token=${SECRETS.webhookSecret}`],
		['the secret under another name', `?secret=${SECRETS.webhookSecret}`],
	])('a real callback with %s answers 401 and starts nothing', async (_name, query) => {
		trigger = await startTrigger(sandbox);
		const otpId = await sendOtp(sandbox, `${trigger.url}${query}`, false);
		await verifyOtp(sandbox, otpId);

		const deliveries = await deliver(sandbox, trigger);
		expect(deliveries.map((d) => d.httpStatus)).toEqual([401]);
		expect(trigger.responses).toEqual([UNAUTHORIZED]);
		expect(trigger.executions).toEqual([]);
		expect(trigger.staticData).toBeNull();
		expectSecretNowhere(trigger);
	});

	test('the token is checked before the body: a forged, malformed body without token gets 401, not 400', async () => {
		trigger = await startTrigger(sandbox);
		expect(await trigger.post({ nonsense: true })).toEqual(UNAUTHORIZED);
		expect(await trigger.post('not json at all', { contentType: 'text/plain' })).toEqual(UNAUTHORIZED);
		expect(trigger.executions).toEqual([]);
	});

	test('whoever holds the token is trusted: a hand-made callback with the right token starts the workflow', async () => {
		trigger = await startTrigger(sandbox);
		const res = await trigger.post(callback(entry('a17fb13d-f4ac-4d93-9439-ef41ab8de390', 'VERIFIED')), { query: token });
		await trigger.settle();
		expect(res.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});

	test('the comparison is over SHA-256 digests: any length, arrays and empty values never match', () => {
		expect(tokenMatches('abc', 'abc')).toBe(true);
		expect(tokenMatches('abd', 'abc')).toBe(false);
		expect(tokenMatches('abc'.repeat(100), 'abc')).toBe(false);
		expect(tokenMatches(['abc'], 'abc')).toBe(false);
		expect(tokenMatches(undefined, 'abc')).toBe(false);
		expect(tokenMatches('', '')).toBe(false);
		expect(tokenMatches('é€', 'é€')).toBe(true);
	});
});

describe('activation', () => {
	test.each(['webhook', 'manual'])('without a webhook secret the trigger refuses to activate (%s)', async (mode) => {
		trigger = await startTrigger(sandbox, { credentials: withoutSecret(sandbox.credentials.apiKey), mode, activate: false });
		const refusal = await trigger.activate().then(() => undefined, (error) => error);
		expect(refusal).toBeDefined();
		expect(refusal.message).toBe('The SMS.CX API credential has no webhook secret');
		expect(refusal.description).toMatch(/Set a Webhook Secret in the SMS.CX API credential/);
		expect(refusal.description).toMatch(/Accept Callbacks Without Token \(Insecure\)/);
		// not registered, so n8n answers 404 and nothing runs
		const res = await trigger.post(callback(entry(otpIdOf('x'), 'VERIFIED')));
		expect(res.status).toBe(404);
		expect(trigger.executions).toEqual([]);
	});

	test('a secret removed from the credential after activation fails every callback closed: 500, no items', async () => {
		const credentials = { ...sandbox.credentials.apiKey };
		trigger = await startTrigger(sandbox, { credentials });
		delete credentials.webhookSecret;
		const res = await trigger.post(callback(entry(otpIdOf('x'), 'VERIFIED')), { query: '?token=' });
		await trigger.settle();
		expect(res.status).toBe(500);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0]).toMatchObject({ status: 'error', items: [] });
		expect(trigger.executions[0].error.message).toBe('The SMS.CX API credential has no webhook secret');
	});
});

describe('"Accept Callbacks Without Token (Insecure)"', () => {
	const insecure = { options: { allowUnauthenticated: true } };

	test('activates without a secret and starts the workflow for callbacks without a token', async () => {
		trigger = await startTrigger(sandbox, {
			parameters: insecure,
			credentials: withoutSecret(sandbox.credentials.apiKey),
		});
		const otpId = await sendOtp(sandbox, trigger.url, false);
		await verifyOtp(sandbox, otpId);

		const deliveries = await deliver(sandbox, trigger);
		expect(deliveries.map((d) => d.httpStatus)).toEqual([200]);
		expect(trigger.executions[0].items.map((i) => i.status)).toEqual(['PENDING', 'VERIFIED']);
	});

	test('skips the check even when the credential has a secret (any token, or none, is accepted)', async () => {
		trigger = await startTrigger(sandbox, { parameters: insecure });
		expect((await trigger.post(callback(entry(otpIdOf('x'), 'VERIFIED')), { query: '?token=wrong' })).status).toBe(200);
		expect((await trigger.post(callback(entry(otpIdOf('y'), 'VERIFIED')))).status).toBe(200);
		await trigger.settle();
		expect(trigger.executions).toHaveLength(2);
	});

	test('still redacts a token that comes back in otpCallbackUrl', async () => {
		trigger = await startTrigger(sandbox, { parameters: insecure });
		const otpId = await sendOtp(sandbox, trigger.url, true);
		await deliver(sandbox, trigger);
		expect(trigger.executions[0].items).toEqual([expect.objectContaining({ otpId, otpCallbackUrl: `${trigger.url}?token=***` })]);
		expectSecretNowhere(trigger);
	});
});

describe('the Test URL', () => {
	test('a refused callback does not use up "Listen for test event"; the first accepted one does', async () => {
		trigger = await startTrigger(sandbox, { mode: 'manual' });
		expect(trigger.url).toContain('/webhook-test/');
		expect((await trigger.post(callback(entry(otpIdOf('x'), 'VERIFIED')), { query: '?token=wrong' })).status).toBe(401);
		expect((await trigger.post(callback(entry(otpIdOf('x'), 'VERIFIED')), { query: token })).status).toBe(200);
		await trigger.settle();
		expect((await trigger.post(callback(entry(otpIdOf('y'), 'VERIFIED')), { query: token })).status).toBe(404);
		expect(trigger.executions.map((e) => [e.mode, e.items.map((i) => i.otpId)])).toEqual([['manual', [otpIdOf('x')]]]);
	});
});

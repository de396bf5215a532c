// SMS.CX OTP Trigger, end to end: the SMS.CX OTP node (in n8n's engine) sends OTPs whose Callback URL is the
// trigger's Production URL with "Callback URL Token" on; the stand-in posts real callbacks to it.
const { useTriggerSandbox, startTrigger, sendOtp, verifyOtp, cancelOtp, deliver, expectSecretNowhere } = require('./setup');

const sandbox = useTriggerSandbox();
let trigger;
afterEach(() => trigger && trigger.close());

describe('callbacks start the workflow', () => {
	test('send → verify → callback: one execution with the VERIFIED item, OTP fields at the top level', async () => {
		trigger = await startTrigger(sandbox, { parameters: { statuses: ['VERIFIED'] } });
		const otpId = await sendOtp(sandbox, trigger.url);
		await verifyOtp(sandbox, otpId);

		const deliveries = await deliver(sandbox, trigger);
		expect(deliveries.map((d) => [d.statuses, d.httpStatus])).toEqual([[['PENDING', 'VERIFIED'], 200]]);
		expect(trigger.executions).toHaveLength(1);
		const [execution] = trigger.executions;
		expect(execution.status).toBe('success');
		expect(execution.items).toEqual([
			expect.objectContaining({ otpId, status: 'VERIFIED', phoneNumber: '+33612246400', attempts: 0 }),
		]);
		expect(Object.keys(execution.items[0])).toEqual(Object.keys(sandbox.sx.otp(otpId)).filter((k) => k in execution.items[0]));
		expect(execution.items[0].otpCallbackUrl).toBe(`${trigger.url}?token=***`);
		// the items reach the next node of the workflow
		expect(execution.nextItems).toEqual(execution.items);
		expectSecretNowhere(trigger);
	});

	test('SMS.CX gets its 200 at once (onReceived), with an empty body', async () => {
		trigger = await startTrigger(sandbox);
		await sendOtp(sandbox, trigger.url);
		await deliver(sandbox, trigger);
		expect(trigger.responses).toEqual([{ status: 200, text: '' }]);
	});

	test('a batch of several entries is one execution with one item per entry, in order', async () => {
		trigger = await startTrigger(sandbox);
		const a = await sendOtp(sandbox, trigger.url);
		const b = await sendOtp(sandbox, trigger.url);
		const c = await sendOtp(sandbox, trigger.url);
		await verifyOtp(sandbox, b);

		const deliveries = await deliver(sandbox, trigger);
		expect(deliveries).toHaveLength(1);
		expect(deliveries[0].entries).toBe(4);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0].items.map((i) => [i.otpId, i.status])).toEqual([
			[a, 'PENDING'],
			[b, 'PENDING'],
			[c, 'PENDING'],
			[b, 'VERIFIED'],
		]);
		expectSecretNowhere(trigger);
	});

	test('Statuses keeps only the chosen ones', async () => {
		trigger = await startTrigger(sandbox, { parameters: { statuses: ['FAILED', 'VERIFIED'] } });
		const verified = await sendOtp(sandbox, trigger.url);
		const cancelled = await sendOtp(sandbox, trigger.url);
		await verifyOtp(sandbox, verified);
		await cancelOtp(sandbox, cancelled);

		await deliver(sandbox, trigger);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0].items.map((i) => [i.otpId, i.status])).toEqual([[verified, 'VERIFIED']]);
	});

	test('a batch whose entries are all filtered out starts nothing, and still gets its 200', async () => {
		trigger = await startTrigger(sandbox, { parameters: { statuses: ['EXPIRED'] } });
		const otpId = await sendOtp(sandbox, trigger.url);
		await verifyOtp(sandbox, otpId);

		const deliveries = await deliver(sandbox, trigger);
		expect(deliveries.map((d) => d.httpStatus)).toEqual([200]);
		expect(trigger.executions).toEqual([]);
	});

	test('expiry and failure arrive as EXPIRED and FAILED items', async () => {
		trigger = await startTrigger(sandbox, { parameters: { statuses: ['EXPIRED', 'FAILED'] } });
		const failing = await sendOtp(sandbox, trigger.url);
		for (let i = 0; i < 4; i++) await sandbox.run({ operation: 'verify', otpId: failing, pin: 'nope' });
		const expiring = await sendOtp(sandbox, trigger.url);
		sandbox.sx.advanceClock(200);

		await deliver(sandbox, trigger);
		expect(trigger.executions.flatMap((e) => e.items.map((i) => [i.otpId, i.status]))).toEqual([
			[failing, 'FAILED'],
			[expiring, 'EXPIRED'],
		]);
	});
});

describe('duplicates', () => {
	test('SMS.CX delivering every batch twice, at the same time: one execution (Ignore Duplicates is on by default)', async () => {
		sandbox.sx.configure({ duplicateCallbacks: true });
		trigger = await startTrigger(sandbox);
		const otpId = await sendOtp(sandbox, trigger.url);
		await verifyOtp(sandbox, otpId);

		const deliveries = await deliver(sandbox, trigger);
		expect(deliveries.map((d) => d.httpStatus)).toEqual([200, 200]);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0].items.map((i) => i.status)).toEqual(['PENDING', 'VERIFIED']);
	});

	test('a later callback for the same OTP with a new status still starts the workflow', async () => {
		sandbox.sx.configure({ duplicateCallbacks: true });
		trigger = await startTrigger(sandbox);
		const otpId = await sendOtp(sandbox, trigger.url);
		await deliver(sandbox, trigger);
		await verifyOtp(sandbox, otpId);
		await deliver(sandbox, trigger);
		expect(trigger.executions.map((e) => e.items.map((i) => i.status))).toEqual([['PENDING'], ['VERIFIED']]);
	});

	test('with Ignore Duplicates off, every copy starts an execution', async () => {
		sandbox.sx.configure({ duplicateCallbacks: true });
		trigger = await startTrigger(sandbox, { parameters: { options: { ignoreDuplicates: false } } });
		await sendOtp(sandbox, trigger.url);
		await deliver(sandbox, trigger);
		expect(trigger.executions).toHaveLength(2);
	});
});

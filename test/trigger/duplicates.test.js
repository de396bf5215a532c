// SMS.CX OTP Trigger, "Ignore Duplicates": what is remembered, where, for how long, and when it does not apply.
const { useTriggerSandbox, startTrigger, sendOtp, verifyOtp, deliver, callback, entry, otpIdOf, token } = require('./setup');
const { dropDuplicates, callbackKey, MAX_REMEMBERED } = require('../../dist/nodes/SmscxOtpTrigger/duplicates');

const key = (otpId, status) => callbackKey({ otpId, status });

const sandbox = useTriggerSandbox();
const triggers = [];
afterEach(async () => {
	while (triggers.length) await triggers.pop().close();
});
const start = async (options) => {
	const trigger = await startTrigger(sandbox, options);
	triggers.push(trigger);
	return trigger;
};

/** The trigger served by a fresh copy of the package and of n8n-core, as after restarting n8n. */
function restartedServer() {
	let fresh;
	jest.isolateModules(() => {
		fresh = require('../engine/webhook');
	});
	return fresh;
}

describe('production (Production URL)', () => {
	test('the seen keys are saved in the workflow static data, callback after callback', async () => {
		const trigger = await start();
		const otpId = await sendOtp(sandbox, trigger.url);
		await deliver(sandbox, trigger);
		await verifyOtp(sandbox, otpId);
		await deliver(sandbox, trigger);
		expect(trigger.executions).toHaveLength(2);
		// the second save is the one n8n 2.41 would lose if the execution started before the answer
		expect(trigger.staticData).toEqual({
			'node:SMS.CX OTP Trigger': { seenCallbacks: [key(otpId, 'PENDING'), key(otpId, 'VERIFIED')] },
		});
	});

	test('after a restart, the saved keys still drop callbacks SMS.CX sends again', async () => {
		const before = await start();
		const otpId = await sendOtp(sandbox, before.url);
		await deliver(sandbox, before);
		await verifyOtp(sandbox, otpId);
		await deliver(sandbox, before);
		expect(before.executions).toHaveLength(2);
		const saved = before.staticData;
		const verified = callback(sandbox.sx.otp(otpId));
		await before.close();
		triggers.pop();

		const { startTriggerServer } = restartedServer();
		const after = await startTriggerServer({ parameters: {}, credentials: sandbox.credentials.apiKey, staticData: saved });
		triggers.push(after);
		await after.activate();
		expect((await after.post(verified, { query: token })).status).toBe(200);
		const other = await sendOtp(sandbox, after.url);
		await deliver(sandbox, after);
		expect(after.executions.map((e) => e.items.map((i) => `${i.otpId}:${i.status}`))).toEqual([[`${other}:PENDING`]]);

		// Control: the same restart without the saved static data remembers nothing.
		const forgetful = await restartedServer().startTriggerServer({ parameters: {}, credentials: sandbox.credentials.apiKey });
		triggers.push(forgetful);
		await forgetful.activate();
		await forgetful.post(verified, { query: token });
		await forgetful.settle();
		expect(forgetful.executions).toHaveLength(1);
	});

	test('the same otpId + status twice in one batch gives one item', async () => {
		const trigger = await start();
		await trigger.post(callback(entry(otpIdOf('a'), 'VERIFIED'), entry(otpIdOf('a'), 'VERIFIED'), entry(otpIdOf('b'), 'VERIFIED')), { query: token });
		await trigger.settle();
		expect(trigger.executions[0].items.map((i) => i.otpId)).toEqual([otpIdOf('a'), otpIdOf('b')]);
	});

	test('entries the Statuses filter drops are not remembered', async () => {
		const trigger = await start({ parameters: { statuses: ['VERIFIED'] } });
		await trigger.post(callback(entry(otpIdOf('a'), 'PENDING')), { query: token });
		await trigger.settle();
		expect(trigger.staticData).toBeNull();
	});
});

describe('the Test URL', () => {
	test('never drops duplicates and never saves static data, so a callback can be replayed while building', async () => {
		const trigger = await start({ mode: 'manual' });
		const body = callback(entry(otpIdOf('a'), 'VERIFIED'));
		expect((await trigger.post(body, { query: token })).status).toBe(200);
		await trigger.activate(); // "Listen for test event" again
		expect((await trigger.post(body, { query: token })).status).toBe(200);
		await trigger.settle();
		expect(trigger.executions.map((e) => e.items.map((i) => i.otpId))).toEqual([[otpIdOf('a')], [otpIdOf('a')]]);
		expect(trigger.staticData).toBeNull();
	});
});

describe('bounded memory', () => {
	const entries = (from, to) => Array.from({ length: to - from }, (_, i) => entry(`otp-${from + i}`, 'VERIFIED'));

	test(`keeps the last ${MAX_REMEMBERED} keys, oldest forgotten first`, () => {
		const staticData = {};
		expect(dropDuplicates(entries(0, MAX_REMEMBERED + 5), staticData, 'wf/bounded')).toHaveLength(MAX_REMEMBERED + 5);
		expect(staticData.seenCallbacks).toHaveLength(MAX_REMEMBERED);
		expect(staticData.seenCallbacks[0]).toBe(key('otp-5', 'VERIFIED'));
		expect(dropDuplicates(entries(MAX_REMEMBERED, MAX_REMEMBERED + 5), staticData, 'wf/bounded')).toEqual([]);
		expect(dropDuplicates(entries(0, 1), staticData, 'wf/bounded')).toEqual(entries(0, 1));
	});

	test('static data is not written when nothing new arrives, so n8n has nothing to save', () => {
		let writes = 0;
		const staticData = {
			get seenCallbacks() {
				return [key('otp-0', 'VERIFIED')];
			},
			set seenCallbacks(_value) {
				writes += 1;
			},
		};
		expect(dropDuplicates(entries(0, 1), staticData, 'wf/unchanged')).toEqual([]);
		expect(writes).toBe(0);
	});

	test('callbacks one process saw but another process saved are merged into what is saved', () => {
		const staticData = { seenCallbacks: [key('x', 'VERIFIED')] };
		dropDuplicates([entry('y', 'VERIFIED')], {}, 'wf/merge');
		dropDuplicates([entry('z', 'VERIFIED')], staticData, 'wf/merge');
		expect(staticData.seenCallbacks).toEqual([key('x', 'VERIFIED'), key('y', 'VERIFIED'), key('z', 'VERIFIED')]);
	});
});

describe('the duplicate key', () => {
	test('otpId and status cannot run into each other', () => {
		const staticData = {};
		const tricky = [entry('a:VERIFIED', 'X'), entry('a', 'VERIFIED:X'), entry('a:', 'VERIFIED'), entry('a', ':VERIFIED')];
		expect(dropDuplicates(tricky, staticData, 'wf/ambiguous')).toEqual(tricky);
		expect(new Set(staticData.seenCallbacks).size).toBe(4);
		// and each is still recognised when it comes again
		expect(dropDuplicates(tricky, staticData, 'wf/ambiguous')).toEqual([]);
	});

	test('is the same in every process: a fresh process recognises keys another one saved', () => {
		const saved = {};
		dropDuplicates([entry('p', 'VERIFIED')], saved, 'wf/process-a');
		expect(dropDuplicates([entry('p', 'VERIFIED'), entry('q', 'VERIFIED')], saved, 'wf/process-b')).toEqual([entry('q', 'VERIFIED')]);
	});
});

describe('static data bounded in bytes', () => {
	const huge = (i) => `${String(i).padStart(6, '0')}${'x'.repeat(10 * 1024)}`;

	test('1,000 callbacks with 10 kB otpIds leave about 20 kB, not 10 MB', () => {
		const staticData = {};
		for (let i = 0; i < 1000; i++) {
			expect(dropDuplicates([entry(huge(i), 'VERIFIED')], staticData, 'wf/huge')).toHaveLength(1);
		}
		const bytes = Buffer.byteLength(JSON.stringify(staticData));
		expect(bytes).toBeLessThan(20 * 1024);
		// still remembered, although only their hashes are kept
		expect(dropDuplicates([entry(huge(0), 'VERIFIED'), entry(huge(999), 'VERIFIED')], staticData, 'wf/huge-2')).toEqual([]);
	});

	test('saved data that is not a key list of the expected shape is dropped when the next key is saved', () => {
		const staticData = { seenCallbacks: ['y'.repeat(1024 * 1024), 42, null, key('kept', 'VERIFIED')] };
		dropDuplicates([entry('new', 'VERIFIED')], staticData, 'wf/foreign');
		expect(staticData.seenCallbacks).toEqual([key('kept', 'VERIFIED'), key('new', 'VERIFIED')]);
		expect(dropDuplicates([entry('kept', 'VERIFIED')], staticData, 'wf/foreign-2')).toEqual([]);
	});
});

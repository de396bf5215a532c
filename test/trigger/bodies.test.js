// SMS.CX OTP Trigger: what it does with bodies that are not an otp_update batch (all posted with the right token).
const { useTriggerSandbox, startTrigger, callback, entry, otpIdOf, token } = require('./setup');
const { readCallback, MAX_ENTRIES_PER_CALLBACK } = require('../../dist/nodes/SmscxOtpTrigger/payload');

const sandbox = useTriggerSandbox();
let trigger;
beforeAll(async () => {
	trigger = await startTrigger(sandbox);
});
afterAll(() => trigger.close());

async function post(body, contentType) {
	const before = trigger.executions.length;
	const res = await trigger.post(body, { query: token, contentType });
	await trigger.settle();
	return { ...res, started: trigger.executions.length - before };
}

describe('malformed bodies answer 400 and start nothing', () => {
	test.each([
		['an empty object', {}, 'the body has no "event"'],
		['a JSON array', [callback(entry('x', 'VERIFIED'))], 'the body is not a JSON object'],
		['no data', { event: 'otp_update' }, 'the body has no "data" array'],
		['data that is an object', { event: 'otp_update', data: entry('x', 'VERIFIED') }, 'the body has no "data" array'],
	])('%s', async (_name, body, reason) => {
		expect(await post(body)).toEqual({
			status: 400,
			text: JSON.stringify({ message: `Not an SMS.CX OTP callback: ${reason}` }),
			started: 0,
		});
	});

	test(`more than ${MAX_ENTRIES_PER_CALLBACK} entries (SMS.CX sends at most 200) are refused whole`, async () => {
		const many = Array.from({ length: 100000 }, (_, i) => entry(otpIdOf(String(i)), 'VERIFIED'));
		const res = await post(callback(...many));
		expect([res.status, res.started]).toEqual([400, 0]);
		expect(res.text).toMatch(/100000 entries, more than 1000/);
		const atCap = await post(callback(...many.slice(0, MAX_ENTRIES_PER_CALLBACK)));
		expect([atCap.status, atCap.started]).toEqual([200, 1]);
		expect(trigger.executions.at(-1).items).toHaveLength(MAX_ENTRIES_PER_CALLBACK);
	});

	test('a body n8n hands over as text (text/plain) or as a form', async () => {
		expect(await post(JSON.stringify(callback(entry('x', 'VERIFIED'))), 'text/plain')).toMatchObject({ status: 400, started: 0 });
		expect(await post('event=otp_update&data=x', 'application/x-www-form-urlencoded')).toMatchObject({ status: 400, started: 0 });
	});

	test('an empty body, or a content type n8n does not parse', async () => {
		expect(await post('', 'application/json')).toMatchObject({ status: 400, started: 0 });
		expect(await post(JSON.stringify(callback(entry('x', 'VERIFIED'))), 'application/octet-stream')).toMatchObject({ status: 400, started: 0 });
	});
});

describe('bodies n8n refuses before the node runs', () => {
	test('invalid JSON: n8n answers 422 "Failed to parse request body" and the trigger never sees it', async () => {
		const res = await post('{"event":"otp_update","data":[', 'application/json');
		expect(res.status).toBe(422);
		expect(JSON.parse(res.text).message).toMatch(/^Failed to parse request body/);
		expect(res.started).toBe(0);
	});
});

describe('well-formed bodies that start nothing answer 200', () => {
	test.each(['dlr_update', 'receive_sms'])('another event (%s), whatever its data', async (event) => {
		expect(await post({ event, data: [{ msgId: 'm1', status: 'DELIVERED' }] })).toEqual({
			status: 200,
			text: JSON.stringify({ message: 'Webhook call received' }),
			started: 0,
		});
	});

	test('an empty batch', async () => {
		expect(await post(callback())).toMatchObject({ status: 200, started: 0 });
	});
});

// Entries that do not look like SMS.CX OTP objects used to start executions (statuses "HACKED" and "verified"),
// and 10 kB otpIds filled the workflow's static data. Now they are dropped and counted; the others still start.
describe('entries that are not SMS.CX OTP objects are dropped, the others kept', () => {
	test.each([
		['status HACKED', entry(otpIdOf('h'), 'HACKED')],
		['status in lower case', entry(otpIdOf('v'), 'verified')],
		['a 10 kB otpId', entry('a'.repeat(10240), 'VERIFIED')],
		['an upper-case otpId', entry(otpIdOf('u').toUpperCase(), 'VERIFIED')],
		['no otpId', { status: 'VERIFIED' }],
		['no status', { otpId: otpIdOf('n') }],
		['null', null],
		['a numeric otpId', { otpId: 7, status: 'VERIFIED' }],
	])('%s', async (name, bad) => {
		const good = entry(otpIdOf(`good ${name}`), 'VERIFIED'); // new each time: duplicates are dropped
		const alone = await post(callback(bad));
		expect([alone.status, alone.started]).toEqual([200, 0]);
		const mixed = await post(callback(bad, good));
		expect([mixed.status, mixed.started]).toEqual([200, 1]);
		expect(trigger.executions.at(-1).items.map((i) => i.otpId)).toEqual([good.otpId]);
		expect(readCallback(callback(bad, good))).toEqual({ kind: 'otpUpdate', entries: [good], dropped: 1 });
		// a dropped entry is never remembered (1,000 callbacks with 10 kB otpIds once saved 10 MB of static data)
		expect(JSON.stringify(trigger.staticData)).not.toMatch(/a{100}|HACKED|verified/);
	});
});

describe('readCallback (the node never starts anything for a body that is not an object)', () => {
	test.each([
		['a Buffer', Buffer.from(JSON.stringify(callback(entry('x', 'VERIFIED'))))],
		['a string', JSON.stringify(callback(entry('x', 'VERIFIED')))],
		['undefined', undefined],
		['null', null],
		['a number', 42],
	])('%s is malformed', (_name, body) => {
		expect(readCallback(body)).toEqual({ kind: 'malformed', reason: 'the body is not a JSON object' });
	});
});

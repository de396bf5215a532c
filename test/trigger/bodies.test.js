// SMS.CX OTP Trigger: what it does with bodies that are not an otp_update batch (all posted with the right token).
const { useTriggerSandbox, startTrigger, callback, entry, token } = require('./setup');
const { readCallback } = require('../../dist/nodes/SmscxOtpTrigger/payload');

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
		['an entry without otpId', callback(entry('x', 'VERIFIED'), { status: 'VERIFIED' }), 'data[1] is not an OTP object with "otpId" and "status"'],
		['an entry without status', callback({ otpId: 'x' }), 'data[0] is not an OTP object with "otpId" and "status"'],
		['an entry that is null', callback(null), 'data[0] is not an OTP object with "otpId" and "status"'],
		['a numeric otpId', callback({ otpId: 7, status: 'VERIFIED' }), 'data[0] is not an OTP object with "otpId" and "status"'],
	])('%s', async (_name, body, reason) => {
		expect(await post(body)).toEqual({
			status: 400,
			text: JSON.stringify({ message: `Not an SMS.CX OTP callback: ${reason}` }),
			started: 0,
		});
	});

	test('one bad entry refuses the whole batch', async () => {
		const res = await post(callback(entry('a', 'VERIFIED'), entry('b', 'VERIFIED'), {}));
		expect([res.status, res.started]).toEqual([400, 0]);
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

	test('an unknown status is kept (the Statuses filter decides)', () => {
		expect(readCallback(callback(entry('x', 'DELIVERED')))).toEqual({ kind: 'otpUpdate', entries: [entry('x', 'DELIVERED')] });
	});
});

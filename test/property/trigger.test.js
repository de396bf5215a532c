// Property: the SMS.CX OTP Trigger with generated callback bodies, served over HTTP like n8n's webhook server.
// Invariants per run: no crash (never a 500); without the right token nothing starts; with it, exactly the entries
// that look like SMS.CX OTP objects start the workflow (one execution, one item each), the rest are dropped; a body
// over the cap or not shaped like a callback starts nothing; the webhook secret never appears in the items.
const { useTriggerSandbox, startTrigger, token, SECRETS } = require('../trigger/setup');
const { fc, settings, timeout, hostile } = require('./arbitraries');
const { MAX_ENTRIES_PER_CALLBACK } = require('../../dist/nodes/SmscxOtpTrigger/payload');

const sandbox = useTriggerSandbox();
let trigger;
beforeAll(async () => {
	// duplicates are kept, so every valid entry of every run must show up
	trigger = await startTrigger(sandbox, { parameters: { options: { ignoreDuplicates: false } } });
});
afterAll(() => trigger.close());

const STATUSES = ['CANCELLED', 'EXPIRED', 'FAILED', 'PENDING', 'VERIFIED'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const looksLikeOtp = (e) =>
	e !== null && typeof e === 'object' && !Array.isArray(e) && typeof e.otpId === 'string' && UUID.test(e.otpId) && STATUSES.includes(e.status);

const entryArb = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ otpId: fc.uuid(), status: fc.constantFrom(...STATUSES), phoneNumber: fc.constant('+33612246400') }) },
	{ weight: 1, arbitrary: fc.record({ otpId: fc.oneof(fc.uuid().map((u) => u.toUpperCase()), hostile), status: fc.constantFrom(...STATUSES) }) },
	{ weight: 1, arbitrary: fc.record({ otpId: fc.uuid(), status: fc.oneof(fc.constantFrom('HACKED', 'verified', 'VERIFIED '), hostile) }) },
	{ weight: 1, arbitrary: fc.record({ otpId: fc.uuid(), status: fc.constantFrom(...STATUSES), otpCallbackUrl: fc.constant(`https://x.example/?token=${SECRETS.webhookSecret}`) }) },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const bodyArb = fc.oneof(
	{ weight: 6, arbitrary: fc.record({ event: fc.constant('otp_update'), data: fc.array(entryArb, { maxLength: 8 }) }) },
	{ weight: 1, arbitrary: fc.record({ event: fc.oneof(fc.constant('dlr_update'), fc.string({ maxLength: 10 })), data: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }) },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
// mostly with the right token, so that bodies get read
const withTokenArb = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

let runs = 0;
afterAll(() => console.log(`property trigger: ${runs} generated runs`));

test('trigger: only SMS.CX-shaped entries start the workflow, whatever the body', async () => {
	await fc.assert(
		fc.asyncProperty(bodyArb, withTokenArb, async (body, withToken) => {
			runs++;
			const before = trigger.executions.length;
			const res = await trigger.post(body, { query: withToken ? token : '?token=wrong' });
			await trigger.settle();
			const started = trigger.executions.slice(before);
			expect(res.status).not.toBe(500);
			if (!withToken) {
				// 422: a body n8n itself refuses to parse (e.g. a bare JSON string) never reaches the node
				expect([401, 422]).toContain(res.status);
				expect(started).toHaveLength(0);
				return;
			}
			const isCallback = body !== null && typeof body === 'object' && !Array.isArray(body) && body.event === 'otp_update';
			const valid = isCallback && Array.isArray(body.data) ? body.data.filter(looksLikeOtp) : [];
			if (!isCallback || !Array.isArray(body.data) || body.data.length > MAX_ENTRIES_PER_CALLBACK) {
				expect(started).toHaveLength(0);
				return;
			}
			expect(res.status).toBe(200);
			expect(started.length).toBe(valid.length > 0 ? 1 : 0);
			if (valid.length > 0) {
				expect(started[0].items.map((i) => [i.otpId, i.status])).toEqual(valid.map((e) => [e.otpId, e.status]));
				expect(JSON.stringify(started[0].items)).not.toContain(SECRETS.webhookSecret);
			}
		}),
		settings,
	);
}, timeout);

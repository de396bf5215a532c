// Property: Get Status, Verify and Cancel with a generated OTP ID, PIN and option, through n8n's engine against the
// stand-in. Invariants per run: no crash; one item per input; only lower-case UUID paths are requested; a PIN is only
// checked (spending an attempt) when it has the shape of an SMS.CX PIN; errors name a field or carry SMS.CX's code
// for what only SMS.CX knows; no secret anywhere.
const { useSandbox, SECRETS } = require('../helpers');
const { fc, settings, timeout, hostile, fieldValue } = require('./arbitraries');
const { expectOneItemPerInput, expectClearErrors, expectNoSecretAnywhere } = require('./invariants');

const sandbox = useSandbox();

const PIN_SHAPE = /^[A-Za-z0-9]{4,10}$/;
const OTP_PATH = /^\/otp\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function createOtp() {
	const res = await fetch(`${sandbox.sx.url}/otp`, {
		method: 'POST',
		headers: { 'X-API-KEY': SECRETS.apiKey, 'Content-Type': 'application/json' },
		body: JSON.stringify({ phoneNumber: '+33612246400', pinType: 'alphanumeric', pinLength: 6, maxAttempts: 10 }),
	});
	return (await res.json()).otpId;
}

// 'REAL' stands for the run's own OTP ID or PIN, filled in once the OTP exists.
const itemArb = fc.record({
	otpId: fc.oneof({ weight: 6, arbitrary: fc.constant('REAL') }, { weight: 2, arbitrary: fc.uuid() }, { weight: 2, arbitrary: hostile }),
	pin: fc.oneof(
		{ weight: 4, arbitrary: fc.constant('REAL') },
		{ weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9]{4,10}$/) },
		{ weight: 3, arbitrary: hostile },
	),
	fail: fieldValue([false, true], ['yes']),
});
const runArb = fc.record({
	operation: fc.constantFrom('status', 'verify', 'cancel'),
	items: fc.array(itemArb, { minLength: 1, maxLength: 3 }),
});

const parameters = (operation) => ({
	operation,
	otpId: '={{ $json.otpId }}',
	pin: '={{ $json.pin }}',
	options: operation === 'verify' ? { failWhenNotVerified: '={{ $json.fail }}' } : {},
});

// What only SMS.CX can know: an unknown (well-formed) OTP ID, the OTP's state, a wrong PIN with Fail When Not Verified.
const FROM_SMSCX = [/^SMS\.CX: .*\(HTTP 40[034], code 20(2[1-9]|3[01])\)/];

let runs = 0;
afterAll(() => console.log(`property otpId/pin: ${runs} generated runs`));

test('Get Status, Verify, Cancel: no request for an impossible OTP ID or PIN, one clear outcome per item', async () => {
	await fc.assert(
		fc.asyncProperty(runArb, async ({ operation, items }) => {
			runs++;
			sandbox.sx.reset();
			const otpId = await createOtp();
			const pin = sandbox.sx.pinOf(otpId);
			const json = items.map((item) => ({
				...item,
				otpId: item.otpId === 'REAL' ? otpId : item.otpId,
				pin: item.pin === 'REAL' ? pin : item.pin,
			}));
			const result = await sandbox.run(parameters(operation), { items: json, onError: 'continueErrorOutput' });
			expect(result.status).toBe('success');
			expectOneItemPerInput(result, items.length);
			const calls = sandbox.sx.requests().filter((r) => !(r.method === 'POST' && r.path === '/otp'));
			for (const call of calls) {
				expect(call.path).toMatch(OTP_PATH);
				if (call.method === 'POST') expect(call.body.pin).toMatch(PIN_SHAPE);
			}
			expectClearErrors(result, ['otpId', 'pin', 'failWhenNotVerified'], FROM_SMSCX);
			expectNoSecretAnywhere(result, sandbox.sx);
			// the PIN never appears in the node's output (an all-digit PIN could occur in an otpId by chance)
			if (!/^[0-9]+$/.test(pin)) expect(JSON.stringify([...result.success, ...result.errors].map((i) => i.json))).not.toContain(pin);
		}),
		settings,
	);
}, timeout);

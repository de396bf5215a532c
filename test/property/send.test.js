// Property: Send, with every parameter generated (hostile or valid), through n8n's engine against the stand-in.
// Invariants per run: no crash; one item per input; every POST /otp that left was accepted by the stand-in (which
// applies SMS.CX's rules: the node never sends what it could have refused); errors name a field; no secret anywhere.
const { useSandbox } = require('../helpers');
const { forgetSendCounts } = require('../engine/harness');
const { fc, settings, timeout, SEND_FIELDS, PHONE, LOCALIZED_ROW } = require('./arbitraries');
const { expectOneItemPerInput, expectClearErrors, expectNoSecretAnywhere } = require('./invariants');

const sandbox = useSandbox();

const FIELD_NAMES = Object.keys(SEND_FIELDS);
const itemArb = fc.record({
	phoneNumber: PHONE,
	fields: fc.record(SEND_FIELDS, { requiredKeys: [] }),
	rows: fc.array(LOCALIZED_ROW, { maxLength: 2 }),
});

// Which fields the run adds in the editor (the same for every item, as in a real node); values differ per item.
const runArb = fc.record({
	added: fc.subarray(FIELD_NAMES),
	rowCount: fc.integer({ min: 0, max: 2 }),
	items: fc.array(itemArb, { minLength: 1, maxLength: 3 }),
});

function parametersFor({ added, rowCount }) {
	const additionalFields = Object.fromEntries(added.map((name) => [name, `={{ $json.fields.${name} }}`]));
	if (rowCount > 0) {
		additionalFields.localizedTemplates = {
			template: Array.from({ length: rowCount }, (_, i) => ({
				language: `={{ $json.rows[${i}]?.language }}`,
				text: `={{ $json.rows[${i}]?.text }}`,
			})),
		};
	}
	return { operation: 'new', phoneNumber: '={{ $json.phoneNumber }}', additionalFields };
}

const NAMES_IN_ERRORS = [
	'phoneNumber',
	...FIELD_NAMES,
	'language',
	'localizedTemplates',
	...['fr', 'de', 'es'].map((l) => `template_${l}`),
];

let runs = 0;
let sent = 0;
afterAll(() => console.log(`property send: ${runs} generated runs, ${sent} paid sends accepted`));

test('Send: hostile parameters never reach SMS.CX, and every item gets one clear outcome', async () => {
	await fc.assert(
		fc.asyncProperty(runArb, async (run) => {
			runs++;
			sandbox.sx.reset();
			forgetSendCounts(); // each run is a fresh process: the Fraud Guard's cap is its own property
			const result = await sandbox.run(parametersFor(run), { items: run.items, onError: 'continueErrorOutput' });
			expect(result.status).toBe('success');
			expectOneItemPerInput(result, run.items.length);
			const posts = sandbox.sx.requests({ method: 'POST', path: '/otp' });
			for (const post of posts) {
				if (post.status !== 201) throw new Error(`SMS.CX refused ${JSON.stringify(post.body).slice(0, 300)}: HTTP ${post.status}`);
				if (typeof post.body.otpCallbackUrl === 'string') {
					expect(new URL(post.body.otpCallbackUrl).searchParams.getAll('token').length).toBeLessThanOrEqual(1);
				}
			}
			expect(posts).toHaveLength(result.success.length);
			sent += posts.length;
			expectClearErrors(result, NAMES_IN_ERRORS);
			expectNoSecretAnywhere(result, sandbox.sx);
		}),
		settings,
	);
}, timeout);

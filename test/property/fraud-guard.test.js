// Property: whatever the Fraud Guard settings and however the numbers are written, a Send it refuses never makes a
// request, and no number (as SMS.CX reads it) gets more paid Sends than the cap. Numbers come from a small pool
// written in several forms, so the cap, the range limit and Allowed Countries all refuse often.
const { useSandbox } = require('../helpers');
const { fc, settings, timeout } = require('./arbitraries');

const sandbox = useSandbox();

// [as the request writes it, as SMS.CX reads it]
const NUMBERS = [
	[{ phone: '+33 6 12 24 64 00' }, '+33612246400'],
	[{ phone: '06.12.24.64.00', countryIso: 'FR' }, '+33612246400'],
	[{ phone: '+33612246401' }, '+33612246401'],
	[{ phone: '+1 876 555 0100' }, '+18765550100'],
	[{ phone: '212-555-0100', countryIso: 'US' }, '+12125550100'],
	[{ phone: '+7 701 123 4567' }, '+77011234567'],
	[{ phone: '+44 7700 900123' }, '+447700900123'],
];
const optionsArb = fc.record(
	{
		maxSendsPerNumber: fc.integer({ min: 0, max: 4 }),
		rangeVelocityLimit: fc.integer({ min: 0, max: 4 }),
		rangeDigits: fc.integer({ min: 1, max: 4 }),
		allowedCountries: fc.subarray(['US', 'FR', 'JM', 'KZ', 'GB', 'JE']),
	},
	{ requiredKeys: [] },
);
const runArb = fc.record({
	options: optionsArb,
	items: fc.array(fc.integer({ min: 0, max: NUMBERS.length - 1 }), { minLength: 1, maxLength: 12 }),
});

test('no refused Send ever makes a request; no number is paid for more than the cap', async () => {
	await fc.assert(
		fc.asyncProperty(runArb, async ({ options, items }) => {
			sandbox.sx.reset();
			require('../engine/harness').forgetSendCounts();
			const result = await sandbox.run(
				{
					operation: 'new',
					phoneNumber: '={{ $json.phone }}',
					additionalFields: { countryIso: '={{ $json.countryIso }}' },
					options: { concurrency: 3, spendGuard: false, ...options },
				},
				{ items: items.map((index) => NUMBERS[index][0]), onError: 'continueRegularOutput' },
			);
			const posts = sandbox.sx.requests({ method: 'POST', path: '/otp' });
			const refused = result.success.filter((item) => item.json.details?.fraudGuard);
			expect(result.success).toHaveLength(items.length);
			expect(posts).toHaveLength(items.length - refused.length);
			for (const item of result.success) if (!item.json.details) expect(item.json.otpId).toBeDefined();
			const cap = options.maxSendsPerNumber ?? 5;
			if (cap > 0) {
				const perNumber = {};
				for (const item of result.success) if (item.json.otpId) perNumber[item.json.phoneNumber] = (perNumber[item.json.phoneNumber] ?? 0) + 1;
				for (const paid of Object.values(perNumber)) expect(paid).toBeLessThanOrEqual(cap);
			}
		}),
		settings,
	);
}, timeout);

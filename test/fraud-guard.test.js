// Fraud Guard against SMS pumping: a cap per number (on by default), Allowed Countries from the numbering plan,
// and a cap per number range. Every refusal is counted on the stand-in's request log: it must cost 0 requests.
const { runConcurrently } = require('./engine/harness');
const { useSandbox, sendParams } = require('./helpers');

const sandbox = useSandbox();
const TOOL = 'n8n-nodes-smscx.smscxOtpTool';
const paidSends = () => sandbox.sx.requests({ method: 'POST', path: '/otp' }).length;
const send = (phone, options = {}, fields = {}, run = {}) => sandbox.run(sendParams(phone, fields, options), run);
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Fakes only Date (the stand-in and the dispatcher keep their real timers), starting at `start`. */
function freezeDate(start) {
	jest.useFakeTimers({
		doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
	});
	jest.setSystemTime(start);
}
afterEach(() => jest.useRealTimers());

describe('Fraud Guard: per-number cap (on by default, 5 per 10 minutes)', () => {
	test('20 sign-ups for one number at once: 5 paid, 15 clear refusals that name the masked number, the limit and the time', async () => {
		const results = await runConcurrently(20, () => ({ parameters: sendParams('+33612246400'), credentials: sandbox.credentials.apiKey }));
		const refused = results.filter((result) => result.status === 'error');
		expect(results.filter((result) => result.status === 'success')).toHaveLength(5);
		expect(refused).toHaveLength(15);
		expect(paidSends()).toBe(5);
		for (const { error } of refused) {
			expect(error.message).toMatch(
				/^Not sent: \+\*{8}400 reached the Fraud Guard's limit of 5 Sends per number per 10 minutes; the next Send is allowed at \d{4}-\d\d-\d\dT[\d:.]+Z \(in \d+ (s|min)\)\. Nothing was sent or charged\./,
			);
			expect(JSON.stringify({ message: error.message, context: error.context })).not.toContain('612246400');
		}
	});

	test('compares numbers as SMS.CX reads them: E.164 with spaces, compact, and national with Country ISO are one number', async () => {
		const forms = [['+33 6 12 24 64 00'], ['+33612246400'], ['06 12 24 64 00', { countryIso: 'FR' }], ['(0)6-12-24-64-00', { countryIso: 'FR' }], ['+33.6.12.24.64.00']];
		for (const [phone, fields] of forms) expect((await send(phone, {}, fields)).status).toBe('success');
		const sixth = await send('0612246400', {}, { countryIso: 'FR' });
		expect(sixth.error.message).toMatch(/^Not sent: \+\*{8}400 reached/);
		// Italy keeps its trunk 0: 06 6982 0000 in IT is +39 06 6982 0000, not +39 6 6982 0000
		expect((await send('+390669820000', { maxSendsPerNumber: 1 })).status).toBe('success');
		expect((await send('06 6982 0000', { maxSendsPerNumber: 1 }, { countryIso: 'IT' })).status).toBe('error');
		expect((await send('+39669820000', { maxSendsPerNumber: 1 })).status).toBe('success');
		expect(paidSends()).toBe(7);
	});

	test('window edges: the 6th Send is refused until the 1st leaves the sliding window, to the millisecond', async () => {
		const start = Date.parse('2026-12-05T12:00:00.000Z');
		freezeDate(start);
		for (let i = 0; i < 5; i++) {
			jest.setSystemTime(start + i * 60_000); // one Send a minute
			expect((await send('+447400123456')).status).toBe('success');
		}
		jest.setSystemTime(start + 10 * 60_000 - 1);
		const early = await send('+447400123456', {}, {}, { onError: 'continueRegularOutput' });
		expect(early.success[0].json.details?.fraudGuard).toEqual({
			rule: 'maxSendsPerNumber',
			limit: '5 Sends per number per 10 minutes',
			retryAt: '2026-12-05T12:10:00.000Z',
		});
		expect(early.success[0].json.error).toMatch(/allowed at 2026-12-05T12:10:00\.000Z \(in 1 s\)/);
		jest.setSystemTime(start + 10 * 60_000);
		expect((await send('+447400123456')).status).toBe('success');
		// now the 2nd (12:01) is the oldest of the five in the window
		const next = await send('+447400123456');
		expect(next.error.message).toMatch(/allowed at 2026-12-05T12:11:00\.000Z \(in 60 s\)/);
		expect(paidSends()).toBe(6);
	});

	test('both numbers can be set; 0 turns the cap off; the error output carries fraudGuard', async () => {
		const start = Date.parse('2026-12-05T12:00:00.000Z');
		freezeDate(start);
		const options = { maxSendsPerNumber: 2, sendWindowMinutes: 1 };
		const items = [1, 2, 3].map(() => ({ phone: '+15145550100' }));
		const result = await sandbox.run({ ...sendParams('={{ $json.phone }}'), options }, { items, onError: 'continueErrorOutput' });
		expect(result.success).toHaveLength(2);
		expect(result.errors).toHaveLength(1);
		expect(result.errors[0].pairedItem).toEqual({ item: 2 });
		expect(result.errors[0].json.details?.fraudGuard).toEqual({ rule: 'maxSendsPerNumber', limit: '2 Sends per number per 1 minutes', retryAt: '2026-12-05T12:01:00.000Z' });
		jest.setSystemTime(start + 60_000);
		expect((await send('+15145550100', options)).status).toBe('success');
		for (let i = 0; i < 8; i++) expect((await send('+15145550199', { maxSendsPerNumber: 0 })).status).toBe('success');
		expect(paidSends()).toBe(11);
	});

	test('per credential: the same number on another credential has its own count', async () => {
		for (let i = 0; i < 5; i++) await send('+4915112345678');
		expect((await send('+4915112345678')).status).toBe('error');
		expect((await send('+4915112345678', {}, {}, { credentialId: 'cred-2' })).status).toBe('success');
		expect(paidSends()).toBe(6);
	});

	test('a Send SMS.CX refused with nothing sent (no credit) gives its count back; a paid one does not', async () => {
		sandbox.sx.configure({ balance: 0 });
		for (let i = 0; i < 7; i++) expect((await send('+33700000001')).error.message).not.toMatch(/Fraud Guard/);
		sandbox.sx.configure({ balance: 100 });
		for (let i = 0; i < 5; i++) expect((await send('+33700000001')).status).toBe('success');
		expect((await send('+33700000001')).error.message).toMatch(/Fraud Guard/);
		expect(paidSends()).toBe(12); // 7 refused by SMS.CX (nothing charged) + 5 paid; the 13th never left
	});

	test('a Send the Spend Guard refuses does not use up the cap', async () => {
		const guarded = { spendGuard: true, maxSendsPerNumber: 1 };
		expect((await send('+33700000002', guarded)).status).toBe('success');
		expect((await send('+33700000002', { spendGuard: true, maxSendsPerNumber: 2 })).error.message).toMatch(/spend guard/);
		expect((await send('+33700000002', { maxSendsPerNumber: 2 })).status).toBe('success');
		expect(paidSends()).toBe(2);
	});

	test('as an AI tool the refusal tells the model what to say to the person', async () => {
		const tool = { type: TOOL };
		for (let i = 0; i < 5; i++) expect((await send('+33700000003', { spendGuard: false }, {}, tool)).status).toBe('success');
		const refused = await send('+33700000003', { spendGuard: false }, {}, tool);
		expect(refused.error.message).toMatch(/Tell the person that too many codes were requested for this number/);
		expect(refused.error.message).toMatch(/Do not call Send again for this number before then\.$/);
		expect(paidSends()).toBe(5);
	});

	test('bad settings fail the item, naming the field, before anything is sent', async () => {
		for (const [options, text] of [
			[{ maxSendsPerNumber: -1 }, /Fraud Guard: Max Sends Per Number/],
			[{ sendWindowMinutes: '1e9' }, /Fraud Guard: Send Window \(Minutes\)/],
			[{ rangeDigits: 9 }, /Fraud Guard: Range Digits/],
			[{ allowedCountries: ['UK'] }, /Fraud Guard: Allowed Countries/],
			[{ allowedCountries: { US: true } }, /Fraud Guard: Allowed Countries/],
		]) {
			const result = await send('+33612246400', options);
			expect(result.status).toBe('error');
			expect(result.error.message).toMatch(text);
		}
		expect(paidSends()).toBe(0);
	});
});

describe('Fraud Guard: Allowed Countries (from the numbering plan)', () => {
	const allowed = (countries) => ({ allowedCountries: countries });
	const outcome = async (phone, countries, fields = {}) => {
		const result = await send(phone, allowed(countries), fields, { onError: 'continueRegularOutput' });
		return result.success[0].json.details?.fraudGuard ? `refused: ${result.success[0].json.error}` : 'sent';
	};

	test('US, CA: +1 876 (Jamaica) pays nothing, +1 212 (US) and +1 204 (Canada) are sent', async () => {
		expect(await outcome('+1 876 555 0100', ['US', 'CA'])).toMatch(
			/^refused: Not sent: \+\*{8}100 is a Jamaica \(JM\) number, and the Fraud Guard's Allowed Countries: US, CA\. Nothing was sent or charged\./,
		);
		expect(await outcome('+1 212 555 0100', ['US', 'CA'])).toBe('sent');
		expect(await outcome('+1 204 555 0100', ['US', 'CA'])).toBe('sent');
		expect(await outcome('+1 809 555 0100', ['US', 'CA'])).toMatch(/Dominican Republic \(DO\)/);
		expect(await outcome('+1 204 555 0101', ['US'])).toMatch(/Canada \(CA\)/);
		// a national number is read in its Country ISO, but the country is the number's: 876 in +1 is Jamaica
		expect(await outcome('876 555 0100', ['US'], { countryIso: 'US' })).toMatch(/Jamaica \(JM\)/);
		expect(await outcome('212 555 0102', ['US'], { countryIso: 'US' })).toBe('sent');
		expect(paidSends()).toBe(3);
	});

	test('+7: Kazakhstan (6xx, 7xx) is not Russia', async () => {
		expect(await outcome('+7 701 123 4567', ['RU'])).toMatch(/Kazakhstan \(KZ\)/);
		expect(await outcome('+7 600 123 4567', ['RU'])).toMatch(/Kazakhstan \(KZ\)/);
		expect(await outcome('+7 912 123 4567', ['RU'])).toBe('sent');
		expect(await outcome('+7 727 123 4567', ['KZ'])).toBe('sent');
		expect(await outcome('+7 495 123 4567', ['KZ'])).toMatch(/Russia \(RU\)/);
		expect(paidSends()).toBe(2);
	});

	test('+44: Jersey, Guernsey and the Isle of Man are their own countries, not GB', async () => {
		expect(await outcome('+44 7700 900123', ['GB'])).toMatch(/Jersey \(JE\)/);
		expect(await outcome('+44 1534 123456', ['GB'])).toMatch(/Jersey \(JE\)/);
		expect(await outcome('+44 7781 123456', ['GB'])).toMatch(/Guernsey \(GG\)/);
		expect(await outcome('+44 7624 123456', ['GB'])).toMatch(/Isle of Man \(IM\)/);
		expect(await outcome('07624 123456', ['GB'], { countryIso: 'GB' })).toMatch(/Isle of Man \(IM\)/);
		expect(await outcome('+44 7400 123456', ['GB'])).toBe('sent');
		expect(await outcome('+44 7700 900124', ['GB', 'JE'])).toBe('sent');
		expect(paidSends()).toBe(2);
	});

	test('a Country ISO hint picks among countries the plan cannot tell apart; unknown calling codes are refused', async () => {
		expect(await outcome('0690 12 34 56', ['MF'], { countryIso: 'MF' })).toBe('sent');
		expect(await outcome('+590 690 12 34 57', ['MF'])).toMatch(/Guadeloupe \(GP\)/);
		expect(await outcome('+979 1234 5678', ['US'])).toMatch(/is in no known country/);
		expect(await outcome('+33 6 12 24 64 00', 'US, FR')).toBe('sent'); // from an expression
		expect(await outcome('+33 6 12 24 64 01', [])).toBe('sent'); // empty: any country
		expect(paidSends()).toBe(3);
	});
});

describe('Fraud Guard: number-range velocity (off by default)', () => {
	const sequential = (count, base = 33612240000) => Array.from({ length: count }, (_, i) => ({ phone: `+${base + i}` }));
	const run = (items, options = {}) =>
		sandbox.run({ ...sendParams('={{ $json.phone }}'), options: { concurrency: 10, ...options } }, { items, onError: 'continueRegularOutput' });

	test('on (10 per 10 minutes, last 3 digits): 100 sequential numbers in one range pay 10, 90 are refused', async () => {
		const result = await run(sequential(100), { rangeVelocityLimit: 10 });
		const refused = result.success.filter((item) => item.json.details?.fraudGuard);
		expect(refused).toHaveLength(90);
		expect(refused[0].json.details?.fraudGuard).toMatchObject({
			rule: 'rangeVelocityLimit',
			limit: '10 Sends per range of numbers differing only in their last 3 digits per 10 minutes',
		});
		expect(refused[0].json.details?.fraudGuard.retryAt).toMatch(ISO_TIME);
		expect(paidSends()).toBe(10);
		// the next range is another range
		expect((await run(sequential(5, 33612241000), { rangeVelocityLimit: 10 })).success.every((item) => !item.json.details?.fraudGuard)).toBe(true);
		expect(paidSends()).toBe(15);
	});

	test('Range Digits sets the range: with 2, numbers differing in their last 3 digits are other ranges', async () => {
		const result = await run(sequential(100), { rangeVelocityLimit: 10, rangeDigits: 2 });
		expect(result.success.filter((item) => !item.json.details?.fraudGuard)).toHaveLength(10);
		const spread = Array.from({ length: 10 }, (_, i) => ({ phone: `+${33612250000 + i * 100}` }));
		expect((await run(spread, { rangeVelocityLimit: 1, rangeDigits: 2 })).success.every((item) => !item.json.details?.fraudGuard)).toBe(true);
	});

	test('off by default: 200 distinct sequential numbers are all sent (no false refusal at the defaults)', async () => {
		const result = await run(sequential(200));
		expect(result.success.filter((item) => item.json.details?.fraudGuard)).toHaveLength(0);
		expect(paidSends()).toBe(200);
	});
});

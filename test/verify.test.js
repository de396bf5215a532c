// Verify: every outcome SMS.CX can give for a PIN, as data (verified true/false) or as a failed item.
const { useSandbox, newOtp: newSandboxOtp, expectNoSecrets } = require('./helpers');

const sandbox = useSandbox();

const newOtp = (fields) => newSandboxOtp(sandbox, fields);

const verifyParams = (otpId, pin, options = {}) => ({ operation: 'verify', otpId, pin, options });

describe('Verify', () => {
	test.each(['apiKey', 'accessToken'])('a right PIN verifies (%s)', async (auth) => {
		const otpId = await newOtp({ pinType: 'letters', pinLength: 8 });
		const pin = sandbox.sx.pinOf(otpId);
		const result = await sandbox.run(verifyParams(otpId, ` ${pin} `), { auth });
		expect(result.status).toBe('success');
		expect(result.success[0].json).toEqual({
			verified: true,
			otpId,
			status: 'VERIFIED',
			phoneNumber: '+33612246400',
			countryIso: 'FR',
			trackId: null,
		});
		expect(sandbox.sx.otp(otpId).status).toBe('VERIFIED');
		expectNoSecrets(result, [pin]);
	});

	test('the PIN can come from the input item by expression', async () => {
		const otpId = await newOtp();
		const result = await sandbox.run(
			{ operation: 'verify', otpId: '={{ $json.otpId }}', pin: '={{ $json.code }}' },
			{ items: [{ otpId, code: sandbox.sx.pinOf(otpId) }] },
		);
		expect(result.success[0].json.verified).toBe(true);
	});

	test('a wrong PIN is verified: false with code 2029, and counts an attempt', async () => {
		const otpId = await newOtp();
		const result = await sandbox.run(verifyParams(otpId, '0000x'));
		expect(result.status).toBe('success');
		expect(result.success[0].json).toEqual({
			verified: false,
			otpId,
			code: 2029,
			type: 'invalid_pin',
			message: expect.any(String),
			phoneNumber: '+33612246400',
			countryIso: 'FR',
			trackId: null,
		});
		expect(sandbox.sx.otp(otpId).attempts).toBe(1);
		expect(sandbox.sx.requests({ method: 'POST', path: `/otp/${otpId}` })).toHaveLength(1);
	});

	test('the last allowed wrong PIN fails the OTP (2027), later tries say failed (2026)', async () => {
		const otpId = await newOtp({ maxAttempts: 2 });
		const first = await sandbox.run(verifyParams(otpId, 'nope'));
		const second = await sandbox.run(verifyParams(otpId, 'nope'));
		const third = await sandbox.run(verifyParams(otpId, sandbox.sx.pinOf(otpId)));
		expect(first.success[0].json.code).toBe(2029);
		expect(second.success[0].json).toMatchObject({ verified: false, code: 2027, type: 'otp_failed' });
		expect(third.success[0].json).toMatchObject({ verified: false, code: 2026, type: 'otp_failed' });
		expect(sandbox.sx.otp(otpId).status).toBe('FAILED');
	});

	test('an expired PIN is 2028, then the OTP is expired (2025)', async () => {
		const otpId = await newOtp({ ttl: 60 });
		sandbox.sx.advanceClock(61);
		const expired = await sandbox.run(verifyParams(otpId, sandbox.sx.pinOf(otpId)));
		expect(expired.success[0].json).toMatchObject({ verified: false, code: 2025, type: 'otp_expired' });
	});

	test('a PIN checked after the TTL passed, before anything noticed, is 2028', async () => {
		const otpId = await newOtp({ ttl: 60 });
		sandbox.sx.advanceClock(61, { expire: false });
		const result = await sandbox.run(verifyParams(otpId, sandbox.sx.pinOf(otpId)));
		expect(result.success[0].json).toMatchObject({ verified: false, code: 2028, type: 'otp_expired' });
	});

	test('an already verified OTP is 2023, a cancelled one 2024', async () => {
		const verifiedId = await newOtp();
		await sandbox.run(verifyParams(verifiedId, sandbox.sx.pinOf(verifiedId)));
		const again = await sandbox.run(verifyParams(verifiedId, sandbox.sx.pinOf(verifiedId)));
		expect(again.success[0].json).toMatchObject({ verified: false, code: 2023, type: 'otp_verified' });

		const cancelledId = await newOtp();
		await sandbox.run({ operation: 'cancel', otpId: cancelledId });
		const cancelled = await sandbox.run(verifyParams(cancelledId, sandbox.sx.pinOf(cancelledId)));
		expect(cancelled.success[0].json).toMatchObject({ verified: false, code: 2024, type: 'otp_cancelled' });
	});

	test('"Fail When Not Verified" turns a wrong PIN into a failed item', async () => {
		const otpId = await newOtp();
		const result = await sandbox.run(verifyParams(otpId, '9999x', { failWhenNotVerified: true }));
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/code 2029/);
		expect(result.error.description).toMatch(/request ID/);
	});

	test('an empty PIN is refused before sending (2022)', async () => {
		const otpId = await newOtp();
		const result = await sandbox.run(verifyParams(otpId, '   '));
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/PIN \(pin\) is empty.*2022.*Nothing was sent\.$/);
		expect(sandbox.sx.requests({ method: 'POST', path: `/otp/${otpId}` })).toHaveLength(0);
	});

	test('an unknown OTP ID is a failed item with a hint (2021)', async () => {
		const result = await sandbox.run(verifyParams('a17fb13d-f4ac-4d93-9439-ef41ab8de390', '1234'));
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/HTTP 404, code 2021/);
		expect(result.error.description).toMatch(/No OTP with this ID/);
	});

	test('the output carries the phone number, read with a free GET after the check (issue 13)', async () => {
		const trackId = 'bf325375-e030-4ccb-a009-17317c574773';
		const otpId = await newOtp({ trackId });
		const result = await sandbox.run(verifyParams(otpId, sandbox.sx.pinOf(otpId)));
		expect(result.success[0].json).toMatchObject({ verified: true, phoneNumber: '+33612246400', trackId });
		expect(sandbox.sx.requests().map((r) => `${r.method} ${r.status}`)).toEqual(['POST 201', 'POST 200', 'GET 200']);
	});

	test('when that GET fails, the verify result still comes back (without the phone number)', async () => {
		const otpId = await newOtp();
		sandbox.sx.injectFault({ kind: 'status', status: 503, method: 'GET', path: `/otp/${otpId}`, times: Infinity });
		const result = await sandbox.run(verifyParams(otpId, sandbox.sx.pinOf(otpId), { transientRetries: 0 }));
		expect(result.status).toBe('success');
		expect(result.success[0].json).toEqual({ verified: true, otpId, status: 'VERIFIED' });
	});
});

// PINs that can never match used to be sent, each spending one of the OTP's attempts (3 such items turned an
// OTP FAILED). Decision: a well-typed string of the wrong shape is a person's typo, answered verified: false
// (type invalid_pin_format, code null) without a check; a value that is not text is a mapping mistake (error).
describe('Verify: PINs that cannot be valid spend no attempt', () => {
	const fromJson = { operation: 'verify', otpId: '={{ $json.otpId }}', pin: '={{ $json.pin }}' };
	const checks = (otpId) => sandbox.sx.requests({ method: 'POST', path: `/otp/${otpId}` });

	test.each([
		['with a space inside', '12 34'],
		['Arabic-Indic digits', '١٢٣٤'],
		['fullwidth digits', '１２３４'],
		['1 MB', '1'.repeat(1048576)],
		['an embedded NUL', '12\u000034'],
		['12 characters', '123456789012'],
		['3 characters', '123'],
		['CRLF', '1234\r\n'.repeat(2)],
		['a look-alike letter', 'ΑΒCD'],
	])('%s is verified: false, not sent', async (_, pin) => {
		const otpId = await newOtp();
		const result = await sandbox.run(fromJson, { items: [{ otpId, pin }] });
		expect(result.status).toBe('success');
		expect(result.success[0].json).toMatchObject({
			verified: false,
			otpId,
			code: null,
			type: 'invalid_pin_format',
			phoneNumber: '+33612246400',
		});
		expect(result.success[0].json.message).toMatch(/not sent to SMS\.CX, so no attempt was used/);
		expect(checks(otpId)).toHaveLength(0);
		expect(sandbox.sx.otp(otpId).attempts).toBe(0);
		expect(JSON.stringify(result.success[0].json).length).toBeLessThan(400);
	});

	test.each([
		['an object', { pin: '1234' }],
		['an array', ['1234']],
		['true', true],
	])('%s is a mapping mistake: the item fails naming PIN, without showing the value', async (_, pin) => {
		const otpId = await newOtp();
		const result = await sandbox.run(fromJson, { items: [{ otpId, pin }] });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/^PIN \(pin\) is (an? \w+|a boolean), not text: SMS\.CX would refuse it with code 2022\..*Nothing was sent\.$/);
		expect(result.error.message).not.toContain('1234');
		expect(checks(otpId)).toHaveLength(0);
	});

	test('a whole number from an expression is sent as text (1234 → "1234")', async () => {
		const otpId = await newOtp({ pinType: 'letters' });
		const result = await sandbox.run(fromJson, { items: [{ otpId, pin: 1234 }] });
		expect(result.success[0].json).toMatchObject({ verified: false, code: 2029 });
		expect(checks(otpId)[0].body).toEqual({ pin: '1234' });
	});

	test('with "Fail When Not Verified" a PIN of the wrong shape fails the item, still without a check', async () => {
		const otpId = await newOtp();
		const result = await sandbox.run(verifyParams(otpId, '12 34', { failWhenNotVerified: true }));
		expect(result.error.message).toBe(
			'PIN (pin) is not 4–10 letters or digits. Ask the person to type the PIN again. Nothing was sent.',
		);
		expect(checks(otpId)).toHaveLength(0);
	});

	test('an unknown OTP ID still fails with 2021, whatever the PIN', async () => {
		const result = await sandbox.run(verifyParams('a17fb13d-f4ac-4d93-9439-ef41ab8de390', '12 34'));
		expect(result.error.message).toMatch(/HTTP 404, code 2021/);
	});
});

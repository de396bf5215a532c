// Get Status and Cancel through n8n's engine: both auth types, the cancel rules, malformed IDs.
const { useSandbox, newOtp: newSandboxOtp, expectNoSecrets, SECRETS } = require('./helpers');

const sandbox = useSandbox();

const newOtp = (fields) => newSandboxOtp(sandbox, fields);

describe('Get Status', () => {
	test.each(['apiKey', 'accessToken'])('returns the OTP object (%s)', async (auth) => {
		const otpId = await newOtp({ trackId: 'bf325375-e030-4ccb-a009-17317c574773' });
		await sandbox.run({ operation: 'verify', otpId, pin: 'wrong' });
		const result = await sandbox.run({ operation: 'status', otpId }, { auth });
		expect(result.status).toBe('success');
		expect(result.success[0].json).toMatchObject({
			otpId,
			status: 'PENDING',
			attempts: 1,
			trackId: 'bf325375-e030-4ccb-a009-17317c574773',
		});
		expect(sandbox.sx.requests({ method: 'GET', path: `/otp/${otpId}` }).at(-1).auth).toBe(
			auth === 'apiKey' ? 'apiKey' : 'bearer',
		);
		expectNoSecrets(result);
	});

	test('masks the webhook token in the echoed callback URL', async () => {
		const otpId = await newOtp({ otpCallbackUrl: 'https://example.com/hook', appendWebhookSecret: true });
		const result = await sandbox.run({ operation: 'status', otpId });
		expect(result.success[0].json.otpCallbackUrl).toBe('https://example.com/hook?token=***');
		expectNoSecrets(result);
	});

	test.each(['={{ "" }}', 'not-an-id', 'A17FB13D-F4AC-4D93-9439-EF41AB8DE390'])(
		'refuses the malformed OTP ID %j without a request',
		async (otpId) => {
			const result = await sandbox.run({ operation: 'status', otpId });
			expect(result.status).toBe('error');
			expect(result.error.message).toMatch(/OTP ID \(otpId\)/);
			expect(sandbox.sx.requests()).toHaveLength(0);
		},
	);
});

describe('OTP ID from expressions', () => {
	const id = 'a17fb13d-f4ac-4d93-9439-ef41ab8de390';
	test.each([
		['a path', `../account/balance`],
		['CRLF', `${id}\r\nX-Forged: 1`],
		['1 MB', 'a'.repeat(1048576)],
		['an object', { otpId: id }],
		['an array', [id]],
		['a number', 42],
		['upper case', id.toUpperCase()],
	])('%s is refused with a short, escaped message and no request', async (_, otpId) => {
		for (const operation of ['status', 'verify', 'cancel']) {
			const result = await sandbox.run(
				{ operation, otpId: '={{ $json.otpId }}', pin: '1234' },
				{ items: [{ otpId }] },
			);
			expect(result.error.message).toMatch(/^OTP ID \(otpId\) .*code 2021\. Use the otpId from the Send output.*Nothing was sent\.$/);
			expect(result.error.message).not.toMatch(/[\r\n]/);
			expect(result.error.message.length).toBeLessThan(300);
		}
		expect(sandbox.sx.requests()).toHaveLength(0);
	});

	test('an SMS.CX refusal tells an AI agent (which sees only the message) how to fix the call', async () => {
		const result = await sandbox.run({ operation: 'status', otpId: id });
		expect(result.error.message).toBe(
			'SMS.CX: OTP not found (HTTP 404, code 2021). No OTP has this ID in this account: use the otpId from the Send output. Nothing was charged.',
		);
	});
});

describe('Cancel', () => {
	test.each(['apiKey', 'accessToken'])('cancels a pending OTP (%s)', async (auth) => {
		const otpId = await newOtp();
		const result = await sandbox.run({ operation: 'cancel', otpId }, { auth });
		expect(result.success[0].json).toEqual({ cancelled: true, otpId });
		expect(sandbox.sx.otp(otpId).status).toBe('CANCELLED');
	});

	test('an already cancelled OTP fails with 2030 and says so', async () => {
		const otpId = await newOtp();
		await sandbox.run({ operation: 'cancel', otpId });
		const result = await sandbox.run({ operation: 'cancel', otpId });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/HTTP 403, code 2030/);
		expect(result.error.description).toMatch(/already cancelled/);
	});

	test('a verified OTP cannot be cancelled (2031)', async () => {
		const otpId = await newOtp();
		await sandbox.run({ operation: 'verify', otpId, pin: sandbox.sx.pinOf(otpId) });
		const result = await sandbox.run({ operation: 'cancel', otpId });
		expect(result.error.message).toMatch(/code 2031\)\. Only a pending OTP can be cancelled: use Get Status/);
		expect(result.error.description).toMatch(/Only a pending OTP/);
	});

	test('an unknown OTP cannot be cancelled (2021)', async () => {
		const result = await sandbox.run({ operation: 'cancel', otpId: 'a17fb13d-f4ac-4d93-9439-ef41ab8de390' });
		expect(result.error.message).toMatch(/HTTP 404, code 2021/);
	});
});

describe('Credential', () => {
	const { testCredential } = require('./engine/harness');

	test.each(['apiKey', 'accessToken'])('the credential test passes with a valid %s', async (auth) => {
		expect(await testCredential(sandbox.credentials[auth])).toEqual({ status: 'OK' });
		expect(sandbox.sx.requests({ method: 'GET', path: '/account/balance' })).toHaveLength(1);
	});

	test('the credential test fails with a wrong key', async () => {
		const result = await testCredential({ ...sandbox.credentials.apiKey, apiKey: 'wrong-key' });
		expect(result).toMatchObject({ status: 'Error', httpStatus: 401 });
	});

	test('a wrong key fails the item with a hint about the credential, and no secret', async () => {
		const result = await sandbox.run(
			{ operation: 'status', otpId: 'a17fb13d-f4ac-4d93-9439-ef41ab8de390' },
			{ credentials: { ...sandbox.credentials.apiKey, apiKey: `${SECRETS.apiKey}-revoked` } },
		);
		expect(result.error.message).toMatch(/HTTP 401/);
		expect(result.error.description).toMatch(/Check the SMS.CX API credential/);
		expectNoSecrets(result);
	});
});

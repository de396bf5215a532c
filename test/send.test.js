// Send (New OTP) through n8n's engine against the stand-in: both auth types, every New OTP rule checked
// before any request leaves, the fields that reach SMS.CX, and the callback URL's secret.
const { useSandbox, expectNoSecrets, sendParams, SECRETS } = require('./helpers');

const sandbox = useSandbox();

const postsToOtp = () => sandbox.sx.requests({ method: 'POST', path: '/otp' });

describe('Send', () => {
	test.each(['apiKey', 'accessToken'])('sends a PIN by SMS and returns the OTP object (%s)', async (auth) => {
		const result = await sandbox.run(sendParams('+33612246400'), { auth });
		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(1);
		const otp = result.success[0].json;
		expect(otp).toMatchObject({ phoneNumber: '+33612246400', countryIso: 'FR', status: 'PENDING', attempts: 0 });
		expect(otp.otpId).toMatch(/^[0-9a-f-]{36}$/);
		expect(otp).not.toHaveProperty('pin');
		expect(result.success[0].pairedItem).toEqual({ item: 0 });
		const posts = postsToOtp();
		expect(posts).toHaveLength(1);
		expect(posts[0].auth).toBe(auth === 'apiKey' ? 'apiKey' : 'bearer');
		expect(sandbox.sx.messages[0].text).toContain(sandbox.sx.pinOf(otp.otpId));
		expectNoSecrets(result, [sandbox.sx.pinOf(otp.otpId)]);
	});

	test('sends every optional field under its wire name, numbers as numbers', async () => {
		const trackId = 'bf325375-e030-4ccb-a009-17317c574773';
		const result = await sandbox.run(
			sendParams('06 12 24 64 00', {
				countryIso: 'FR',
				from: 'Acme',
				template: 'Acme code: {{pin}}',
				trackId,
				ttl: '300',
				maxAttempts: 3,
				pinType: 'letters',
				pinLength: 6,
				otpCallbackUrl: 'https://example.com/otp-status',
				localizedTemplates: { template: [{ language: 'FR', text: 'Code Acme : {{pin}}' }] },
			}),
		);
		expect(result.status).toBe('success');
		const [post] = postsToOtp();
		expect(post.body).toEqual({
			phoneNumber: '06 12 24 64 00',
			countryIso: 'FR',
			from: 'Acme',
			template: 'Acme code: {{pin}}',
			trackId,
			ttl: 300,
			maxAttempts: 3,
			pinType: 'letters',
			pinLength: 6,
			otpCallbackUrl: 'https://example.com/otp-status',
			template_fr: 'Code Acme : {{pin}}',
		});
		const otp = result.success[0].json;
		expect(otp).toMatchObject({ ttl: 300, maxAttempts: 3, trackId, otpCallbackUrl: 'https://example.com/otp-status' });
		expect(sandbox.sx.pinOf(otp.otpId)).toMatch(/^[A-Z]{6}$/);
		expect(sandbox.sx.messages[0].text).toMatch(/^Code Acme : [A-Z]{6}$/);
	});

	test.each([
		['+33 6 12 24 64 00', {}],
		['+1 (415) 555-0132', {}],
		['+4915123456789', { countryIso: 'GB' }],
		['+4915123456789', { countryIso: 'UK' }],
		['+4915123456789', { countryIso: '' }],
		['0612246400', { countryIso: 'FR' }],
		['020 7946 0958', { countryIso: 'GB' }],
	])('accepts the phone number %s %j', async (phoneNumber, fields) => {
		const result = await sandbox.run(sendParams(phoneNumber, fields));
		expect(result.status).toBe('success');
		expect(postsToOtp()).toHaveLength(1);
	});

	// One case per SMS.CX rule: the item fails with a message naming the field and the code, and the
	// stand-in never sees a POST /otp.
	const pin = 'Your code is {{pin}}';
	test.each([
		[2001, '={{ $json.missing }}', {}, 'phoneNumber'],
		[2001, '={{ "  " }}', {}, 'phoneNumber'],
		[2002, '0612246400', {}, 'countryIso'],
		[2002, '0612246400', { countryIso: '' }, 'countryIso'],
		[2003, '0612246400', { countryIso: 'UK' }, 'countryIso'],
		[2004, '+33612246400', { from: '' }, 'from'],
		[2005, '+33612246400', { from: 'AB' }, 'from'],
		[2005, '+33612246400', { from: 'A-very-long-sender' }, 'from'],
		[2006, '+33612246400', { template: 'Your code is pin' }, 'template'],
		[2006, '+33612246400', { localizedTemplates: { template: [{ language: 'de', text: 'Ihr Code' }] } }, 'template_de'],
		[2007, '+33612246400', { ttl: 90.5 }, 'ttl'],
		[2007, '+33612246400', { ttl: 'soon' }, 'ttl'],
		[2008, '+33612246400', { ttl: 59 }, 'ttl'],
		[2009, '+33612246400', { ttl: 1801 }, 'ttl'],
		[2010, '+33612246400', { maxAttempts: 'three' }, 'maxAttempts'],
		[2011, '+33612246400', { maxAttempts: 0 }, 'maxAttempts'],
		[2012, '+33612246400', { maxAttempts: 11 }, 'maxAttempts'],
		[2013, '+33612246400', { pinType: '' }, 'pinType'],
		[2014, '+33612246400', { pinType: 'emoji' }, 'pinType'],
		[2015, '+33612246400', { pinLength: 4.5 }, 'pinLength'],
		[2016, '+33612246400', { pinLength: 3 }, 'pinLength'],
		[2017, '+33612246400', { pinLength: 11 }, 'pinLength'],
		[2018, '+33612246400', { trackId: 'BF325375-E030-4CCB-A009-17317C574773' }, 'trackId'],
		[2019, '+33612246400', { otpCallbackUrl: 'not a url', template: pin }, 'otpCallbackUrl'],
		[2020, 'call me maybe', {}, 'phoneNumber'],
		[2020, '+12', {}, 'phoneNumber'],
		[2020, '+0612246400', {}, 'phoneNumber'],
	])('rule %i: refuses %j %j before sending, naming %s', async (code, phoneNumber, fields, field) => {
		const result = await sandbox.run(sendParams(phoneNumber, fields));
		expect(result.status).toBe('error');
		expect(result.error.message).toContain(`(${field})`);
		expect(result.error.message).toContain(`code ${code}`);
		expect(result.error.description).toMatch(/Nothing was sent to SMS\.CX/);
		expect(postsToOtp()).toHaveLength(0);
	});

	test('the stand-in refuses the same bodies with the same codes (our rules are not stricter)', async () => {
		const ok = await fetch(`${sandbox.sx.url}/otp`, {
			method: 'POST',
			headers: { 'X-API-KEY': SECRETS.apiKey, 'Content-Type': 'application/json' },
			body: JSON.stringify({ phoneNumber: '0612246400', countryIso: 'UK' }),
		});
		expect(ok.status).toBe(400);
		expect((await ok.json()).error.code).toBe(2003);
	});

	test('adds the webhook secret to the callback URL, and never shows it in the output', async () => {
		const result = await sandbox.run(
			sendParams('+33612246400', {
				otpCallbackUrl: 'https://n8n.example.com/webhook/smscx-otp',
				appendWebhookSecret: true,
			}),
		);
		expect(result.status).toBe('success');
		const [post] = postsToOtp();
		expect(post.body.otpCallbackUrl).toBe(
			`https://n8n.example.com/webhook/smscx-otp?token=${SECRETS.webhookSecret}`,
		);
		expect(result.success[0].json.otpCallbackUrl).toBe('https://n8n.example.com/webhook/smscx-otp?token=***');
		expectNoSecrets(result);
	});

	test('refuses to add a webhook secret the credential does not have', async () => {
		const result = await sandbox.run(
			sendParams('+33612246400', { otpCallbackUrl: 'https://example.com/hook', appendWebhookSecret: true }),
			{ credentials: { ...sandbox.credentials.apiKey, webhookSecret: '' } },
		);
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/no webhook secret/);
		expect(postsToOtp()).toHaveLength(0);
	});

	test('an expression for the Wait node resume URL is a valid callback URL', async () => {
		const result = await sandbox.run(
			sendParams('+33612246400', { otpCallbackUrl: '={{ $execution.resumeUrl }}' }),
		);
		expect(result.status).toBe('success');
		expect(postsToOtp()[0].body.otpCallbackUrl).toMatch(/^http:\/\/localhost:5678\/webhook-waiting\//);
	});

	test('runs out of credit with a message that says so, and is not retried', async () => {
		sandbox.sx.configure({ balance: 0.01 });
		const result = await sandbox.run(sendParams('+33612246400'));
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/HTTP 400/);
		expect(result.error.description).toMatch(/balance is too low/);
		expect(postsToOtp()).toHaveLength(1);
	});
});

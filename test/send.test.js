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
		expect(result.error.message).toMatch(/Nothing was sent\.$/);
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
		expect(result.error.message).toMatch(/Callback URL Token \(appendWebhookSecret\) needs a Webhook Secret.*Nothing was sent/);
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

// Parameters usually come from expressions over other nodes' data (issue 10): each case below was measured
// going wrong before (sent, or refused with a useless error) and documents the decision taken.
describe('Send: input from expressions', () => {
	const fromJson = '={{ $json.v }}';
	const runWith = (value, phoneNumber, fields) => sandbox.run(sendParams(phoneNumber, fields), { items: [{ v: value }] });

	test('fields added but left empty (or null) mean not set: the body has only the phone number', async () => {
		const empty = {
			trackId: '',
			from: '',
			otpCallbackUrl: '',
			countryIso: '',
			pinType: '',
			ttl: '',
			template: '  ',
			maxAttempts: '={{ null }}',
			pinLength: '={{ $json.nothing }}',
			localizedTemplates: { template: [{ language: '', text: '' }] },
		};
		const result = await sandbox.run(sendParams('+33612246400', empty));
		expect(result.status).toBe('success');
		expect(postsToOtp()[0].body).toEqual({ phoneNumber: '+33612246400' });
	});

	// 17 variants that SMS.CX refused (2004/2005/2013/2018…) because they were sent; now none leaves.
	test.each([
		['from', {}, { from: fromJson }],
		['from', ['Acme'], { from: fromJson }],
		['from', true, { from: fromJson }],
		['from', 42, { from: fromJson }],
		['template', { text: '{{pin}}' }, { template: fromJson }],
		['template', ['{{pin}}'], { template: fromJson }],
		['template', 1234, { template: fromJson }],
		['pinType', 1, { pinType: fromJson }],
		['pinType', { type: 'numbers' }, { pinType: fromJson }],
		['pinType', 'NUMBERS', { pinType: fromJson }],
		['trackId', 42, { trackId: fromJson }],
		['trackId', { id: 'x' }, { trackId: fromJson }],
		['countryIso', { iso: 'FR' }, { countryIso: fromJson }],
		['countryIso', ['FR'], { countryIso: fromJson }],
		['otpCallbackUrl', { url: 'https://example.com' }, { otpCallbackUrl: fromJson }],
		['otpCallbackUrl', 42, { otpCallbackUrl: fromJson }],
		['template_fr', { text: '{{pin}}' }, { localizedTemplates: { template: [{ language: 'fr', text: fromJson }] } }],
		['template_fr', 7, { localizedTemplates: { template: [{ language: 'fr', text: fromJson }] } }],
		['ttl', true, { ttl: fromJson }],
		['ttl', '１８０', { ttl: fromJson }],
		['maxAttempts', [3], { maxAttempts: fromJson }],
	])('%s = %j is refused before sending, naming the field', async (name, value, fields) => {
		const result = await runWith(value, '+33612246400', fields);
		expect(result.status).toBe('error');
		expect(result.error.message).toContain(`(${name})`);
		expect(result.error.message).toMatch(/Nothing was sent\.$/);
		expect(postsToOtp()).toHaveLength(0);
	});

	test.each([{}, [], true, null, '＋３３６１２２４６４００', '+٣٣٦١٢٢٤٦٤٠٠', '+33 6\u200b12 24 64 00'])(
		'the phone number %j is refused before sending',
		async (value) => {
			const result = await runWith(value, fromJson, {});
			expect(result.status).toBe('error');
			expect(result.error.message).toContain('(phoneNumber)');
			expect(postsToOtp()).toHaveLength(0);
		},
	);

	test('a 1 MB phone number gives a short message; control characters are escaped, so no log line is forged', async () => {
		const huge = await runWith(`+33${'6'.repeat(1000000)}`, fromJson, {});
		expect(huge.error.message.length).toBeLessThan(300);
		expect(huge.error.message).toContain('(1000003 characters)');
		const forged = await runWith('+336\r\n2026-11-30 INFO verified=true', fromJson, {});
		expect(forged.error.message).not.toMatch(/[\r\n]/);
		expect(forged.error.message).toContain('\\r\\n2026');
		expect(postsToOtp()).toHaveLength(0);
	});

	test('Sender ID length is counted in characters, not UTF-16 units', async () => {
		const eight = await runWith('😀'.repeat(8), '+33612246400', { from: fromJson });
		expect(eight.status).toBe('success');
		expect(postsToOtp()[0].body.from).toBe('😀'.repeat(8));
		const sixteen = await runWith('😀'.repeat(16), '+33612246400', { from: fromJson });
		expect(sixteen.error.message).toMatch(/Sender ID \(from\) must be 3–15 characters long.*code 2005/);
		expect(postsToOtp()).toHaveLength(1);
	});

	test('a Localized Template row with text but no language names the language field', async () => {
		const result = await sandbox.run(
			sendParams('+33612246400', { localizedTemplates: { template: [{ language: '', text: 'Code {{pin}}' }] } }),
		);
		expect(result.error.message).toMatch(/Localized Templates › Language \(language\) is empty/);
		expect(postsToOtp()).toHaveLength(0);
	});
});

describe('Send: Callback URL and its token', () => {
	const withToken = (otpCallbackUrl) => sendParams('+33612246400', { otpCallbackUrl, appendWebhookSecret: true });
	const S = encodeURIComponent(SECRETS.webhookSecret);

	test.each([
		['https://n8n.example.com/webhook/x#done', `https://n8n.example.com/webhook/x?token=${S}#done`],
		['https://n8n.example.com/webhook/x?token=old', `https://n8n.example.com/webhook/x?token=${S}`],
		[`https://n8n.example.com/webhook/x?token=${S}`, `https://n8n.example.com/webhook/x?token=${S}`],
		['https://n8n.example.com/x?a=1&token=old&b=%20#f', `https://n8n.example.com/x?a=1&b=%20&token=${S}#f`],
		['http://[::1]:5678/webhook/x', `http://[::1]:5678/webhook/x?token=${S}`],
		['https://user:pass@example.com/hook', `https://user:pass@example.com/hook?token=${S}`],
	])('%s becomes %s (token before the fragment, never twice)', async (given, sent) => {
		const result = await sandbox.run(withToken(given));
		expect(result.status).toBe('success');
		expect(postsToOtp()[0].body.otpCallbackUrl).toBe(sent);
		expect(new URL(sent).searchParams.getAll('token')).toEqual([SECRETS.webhookSecret]);
		expectNoSecrets(result);
	});

	test.each(['http://[2001:db8::1]/hook', 'https://user:p%40ss@example.com:8443/a?b=c', 'http://localhost:5678/webhook'])(
		'accepts the valid URL %s as it is',
		async (url) => {
			const result = await sandbox.run(sendParams('+33612246400', { otpCallbackUrl: url }));
			expect(result.status).toBe('success');
			expect(postsToOtp()[0].body.otpCallbackUrl).toBe(url);
		},
	);

	test.each(['ftp://example.com/hook', 'https://exa mple.com/hook', 'https://example.com/\r\nX-Forged: 1', 'javascript:alert(1)', 'example.com/hook'])(
		'refuses %j (2019)',
		async (url) => {
			const result = await sandbox.run(sendParams('+33612246400', { otpCallbackUrl: url }));
			expect(result.error.message).toMatch(/Callback URL \(otpCallbackUrl\) is not a valid http\(s\) URL.*code 2019/);
			expect(postsToOtp()).toHaveLength(0);
		},
	);

	test('Callback URL Token without a Callback URL is refused instead of silently doing nothing', async () => {
		const result = await sandbox.run(sendParams('+33612246400', { otpCallbackUrl: '', appendWebhookSecret: true }));
		expect(result.error.message).toBe(
			"Callback URL Token (appendWebhookSecret) is on but Callback URL is empty. Enter Callback URL (the trigger's Production URL), or remove Callback URL Token. Nothing was sent.",
		);
		expect(postsToOtp()).toHaveLength(0);
		const off = await sandbox.run(sendParams('+33612246400', { appendWebhookSecret: false }));
		expect(off.status).toBe('success');
	});

	test('the field sorts right after Callback URL and its label is short', () => {
		const { SmscxOtp } = require('../dist/nodes/SmscxOtp/SmscxOtp.node.js');
		const fields = new SmscxOtp().description.properties.find((p) => p.name === 'additionalFields').options;
		const names = fields.map((f) => f.displayName).sort((a, b) => a.localeCompare(b));
		expect(names.indexOf('Callback URL Token')).toBe(names.indexOf('Callback URL') + 1);
		expect(fields.find((f) => f.name === 'appendWebhookSecret').displayName).toBe('Callback URL Token');
	});
});

describe('Send: cost guard (Max SMS Parts)', () => {
	const send = (template, extra = {}) => sandbox.run(sendParams('+33612246400', { template, pinLength: 10, ...extra }));

	test('a 1 MB template (a mapping mistake: 6,854 parts) is refused before sending', async () => {
		const result = await sandbox.run(sendParams('+33612246400', { template: `${'x'.repeat(1048576)}{{pin}}` }));
		expect(result.error.message).toMatch(/^Template \(template\) would be billed as 6854 SMS parts .*more than Max SMS Parts \(3\)/);
		expect(result.error.message.length).toBeLessThan(300);
		expect(postsToOtp()).toHaveLength(0);
	});

	// The longest PIN (PIN Length, 10 when not set) replaces {{pin}}; the stand-in bills the sent text the same way.
	test.each([
		['GSM-7: 459 characters are 3 parts', `${'a'.repeat(449)}{{pin}}`, 3],
		['GSM-7: 460 characters are 4 parts', `${'a'.repeat(450)}{{pin}}`, 4],
		['extension characters count 2: 224 € are 3 parts', `${'€'.repeat(224)}{{pin}}`, 3],
		['extension characters count 2: 225 € are 4 parts', `${'€'.repeat(225)}{{pin}}`, 4],
		['UCS-2: 201 units are 3 parts', `${'ж'.repeat(191)}{{pin}}`, 3],
		['UCS-2: 202 units are 4 parts', `${'ж'.repeat(192)}{{pin}}`, 4],
		['one emoji makes the text UCS-2', `😀 ${'a'.repeat(190)}{{pin}}`, 4],
	])('%s', async (_, template, parts) => {
		const result = await send(template);
		if (parts <= 3) {
			expect(result.status).toBe('success');
			expect(result.success[0].json.parts).toBe(parts);
		} else {
			expect(result.error.message).toContain(`would be billed as ${parts} SMS parts`);
			expect(postsToOtp()).toHaveLength(0);
		}
	});

	test('every localized template is checked too', async () => {
		const result = await send('Code {{pin}}', {
			localizedTemplates: { template: [{ language: 'de', text: `${'ü'.repeat(500)}{{pin}}` }] },
		});
		expect(result.error.message).toMatch(/\(template_de\) would be billed as 4 SMS parts/);
		expect(postsToOtp()).toHaveLength(0);
	});

	test('Max SMS Parts can be lowered or raised', async () => {
		const twoParts = `${'a'.repeat(200)}{{pin}}`;
		const refused = await send(twoParts, { maxSmsParts: 1 });
		expect(refused.error.message).toMatch(/billed as 2 SMS parts .*more than Max SMS Parts \(1\)/);
		const fiveParts = `${'a'.repeat(700)}{{pin}}`;
		const allowed = await send(fiveParts, { maxSmsParts: 5 });
		expect(allowed.status).toBe('success');
		expect(allowed.success[0].json.parts).toBe(5);
		expect(postsToOtp()).toHaveLength(1);
		expect(postsToOtp()[0].body).not.toHaveProperty('maxSmsParts');
	});
});

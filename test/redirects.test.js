// The SMS.CX API never redirects: a 3xx is a failure that names the Location's host, and nothing (no key, token,
// body or webhook secret) ever reaches another host. Plus what the credential's Test button says when it fails.
const http = require('node:http');
const { useSandbox, sendParams, expectNoSecrets, SECRETS } = require('./helpers');
const { runOtpNode, testCredential } = require('./engine/harness');

const sandbox = useSandbox();

// Another host, counting what reaches it.
const elsewhere = { requests: [] };
beforeAll(async () => {
	elsewhere.server = http.createServer((req, res) => {
		elsewhere.requests.push({ method: req.method, url: req.url, headers: req.headers });
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end('{"otpId":"stolen","status":"PENDING"}');
	});
	await new Promise((resolve) => elsewhere.server.listen(0, '127.0.0.1', resolve));
	elsewhere.url = `http://localhost:${elsewhere.server.address().port}`;
});
afterAll(() => new Promise((resolve) => elsewhere.server.close(resolve)));
beforeEach(() => (elsewhere.requests = []));

const OTP_ID = 'a17fb13d-f4ac-4d93-9439-ef41ab8de390';
const OPERATIONS = {
	send: { method: 'POST', path: '/otp', parameters: () => sendParams('+33612246400', { otpCallbackUrl: 'https://example.com/cb', appendWebhookSecret: true }) },
	status: { method: 'GET', path: `/otp/${OTP_ID}`, parameters: () => ({ operation: 'status', otpId: OTP_ID }) },
};

describe.each([301, 302, 307, 308])('HTTP %i from the Base URL', (status) => {
	test.each([
		['apiKey', 'send'],
		['apiKey', 'status'],
		['accessToken', 'send'],
		['accessToken', 'status'],
		['oAuth2ClientCredentials', 'send'],
		['oAuth2ClientCredentials', 'status'],
	])('%s, %s: not followed, the item fails naming the host, 0 requests reach it', async (auth, operation) => {
		const op = OPERATIONS[operation];
		sandbox.sx.injectFault({ method: op.method, path: op.path, kind: 'redirect', status, location: `${elsewhere.url}${op.path}`, times: Infinity });
		const result = await sandbox.run(op.parameters(), { auth });
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(new RegExp(`redirect to localhost:\\d+, which was not followed.*\\(HTTP ${status}\\)`));
		expect(result.error.description).not.toMatch(/may have processed/);
		expect(elsewhere.requests).toHaveLength(0);
		// sent once, not retried, even for Get Status
		expect(sandbox.sx.requests({ method: op.method, path: op.path })).toHaveLength(1);
		expectNoSecrets(result);
	});

	test('the OAuth2 token request is not followed either', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/oauth/token', kind: 'redirect', status, location: `${elsewhere.url}/oauth/token` });
		const result = await sandbox.run(sendParams(), { auth: 'oAuth2ClientCredentials' });
		expect(result.error.message).toMatch(/token request was answered with a redirect .* to localhost:\d+, not followed/);
		expect(elsewhere.requests).toHaveLength(0);
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' })).toHaveLength(0);
	});

	test('the credential Test is not followed, and says the Base URL is not SMS.CX', async () => {
		sandbox.sx.injectFault({ method: 'GET', path: '/account/balance', kind: 'redirect', status, location: `${elsewhere.url}/account/balance` });
		const result = await testCredential(sandbox.credentials.apiKey);
		expect(result).toMatchObject({ status: 'Error', httpStatus: status });
		expect(result.message).toMatch(/redirect .*not followed.*Use https:\/\/api\.sms\.cx/);
		expect(elsewhere.requests).toHaveLength(0);
	});
});

describe('the credential Test names the cause and the fix', () => {
	test('valid API key and access token pass', async () => {
		expect(await testCredential(sandbox.credentials.apiKey)).toEqual({ status: 'OK' });
		expect(await testCredential(sandbox.credentials.accessToken)).toEqual({ status: 'OK' });
	});

	test.each([
		['a wrong API key', { authType: 'apiKey', apiKey: 'wrong-key' }],
		['a wrong access token', { authType: 'accessToken', accessToken: 'wrong-token' }],
		['a key pasted under Access Token', { authType: 'accessToken', accessToken: SECRETS.apiKey }],
	])('%s: not just "Unauthorized"', async (_, fields) => {
		const result = await testCredential({ ...sandbox.credentials.apiKey, ...fields });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/SMS.CX refused the API key or access token \(HTTP 401\)\. Check that Authentication matches/);
		expect(result.message).not.toContain(SECRETS.apiKey);
	});

	test('a Base URL that is not the SMS.CX API', async () => {
		const result = await testCredential({ ...sandbox.credentials.apiKey, baseUrl: `${sandbox.sx.url}/v2` });
		expect(result.message).toMatch(/Base URL does not look like the SMS.CX API \(HTTP 404/);
	});

	test('OAuth2: a wrong secret and a missing otp scope are named', async () => {
		const oauth = sandbox.credentials.oAuth2ClientCredentials;
		expect((await testCredential({ ...oauth, applicationSecret: 'nope' })).message).toMatch(/invalid_client/);
		sandbox.sx.configure({
			oauthClients: [{ applicationId: 'app-n8n', applicationSecret: SECRETS.applicationSecret, scopes: ['sms'], tokenLifetimeSeconds: 3600 }],
		});
		expect((await testCredential(oauth)).message).toMatch(/without the otp scope/);
	});
});

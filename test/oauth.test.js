// OAuth2 client credentials: the credential fetches a token once, n8n keeps it with the credential, every
// request reuses it, and it is renewed before it expires and after a 401. Errors name the cause.
const { useSandbox, expectNoSecrets, sendParams, SECRETS } = require('./helpers');
const { runOtpNode, testCredential } = require('./engine/harness');

const sandbox = useSandbox();

const tokenCalls = () => sandbox.sx.requests({ method: 'POST', path: '/oauth/token' });
const oauth = (overrides = {}) => ({ ...sandbox.credentials.oAuth2ClientCredentials, ...overrides });

async function otpIds(count) {
	const ids = [];
	for (let i = 0; i < count; i++) {
		const result = await sandbox.run(sendParams());
		ids.push(result.success[0].json.otpId);
	}
	return ids;
}

describe('OAuth2 client credentials', () => {
	test('fetches one token, sends it as a bearer token, and keeps it out of the output', async () => {
		const result = await runOtpNode({ parameters: sendParams(), credentials: oauth() });
		expect(result.status).toBe('success');
		expect(tokenCalls()).toHaveLength(1);
		const [post] = sandbox.sx.requests({ method: 'POST', path: '/otp' });
		expect(post.auth).toBe('bearer');
		expect(result.credentialStore.oauthAccessToken).toMatch(/\S{20,}/);
		expect(result.credentialEvents).toEqual([{ event: 'credentialsUpdated', type: 'smscxApi', expired: false }]);
		expect(result.serialized).not.toContain(result.credentialStore.oauthAccessToken);
		expectNoSecrets(result);
	});

	test('reuses the token for every item and the next execution: one token call in all', async () => {
		const ids = await otpIds(12); // sent with the API key: no token calls yet
		const first = await runOtpNode({
			parameters: { operation: 'status', otpId: '={{ $json.id }}' },
			items: ids.map((id) => ({ id })),
			credentials: oauth(),
		});
		expect(first.success).toHaveLength(12);
		// the next execution starts from the credential as n8n saved it
		const second = await runOtpNode({
			parameters: { operation: 'status', otpId: ids[0] },
			credentials: first.credentialStore,
		});
		expect(second.status).toBe('success');
		expect(tokenCalls()).toHaveLength(1);
		expect(sandbox.sx.requests({ method: 'GET' })).toHaveLength(13);
	});

	test('renews a token that is about to expire before using it (no 401 on the way)', async () => {
		sandbox.sx.configure({
			oauthClients: [{ applicationId: 'app-n8n', applicationSecret: SECRETS.applicationSecret, scopes: null, tokenLifetimeSeconds: 31 }],
		});
		const first = await runOtpNode({ parameters: sendParams(), credentials: oauth() });
		await new Promise((resolve) => setTimeout(resolve, 1100)); // now less than 30 s of the token remain
		const second = await runOtpNode({ parameters: sendParams(), credentials: first.credentialStore });
		expect(second.status).toBe('success');
		expect(tokenCalls()).toHaveLength(2);
		expect(sandbox.sx.requests().filter((r) => r.status === 401)).toHaveLength(0);
	});

	test('renews the token after a 401 and sends the refused Send once more (it was not processed)', async () => {
		const first = await runOtpNode({ parameters: sendParams(), credentials: oauth() });
		sandbox.sx.advanceClock(3601); // SMS.CX now considers the token expired; the credential does not know
		const second = await runOtpNode({ parameters: sendParams(), credentials: first.credentialStore });
		expect(second.status).toBe('success');
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' }).map((r) => r.status)).toEqual([201, 401, 201]);
		expect(sandbox.sx.messages).toHaveLength(2);
		expect(tokenCalls()).toHaveLength(2);
		expect(second.credentialStore.oauthAccessToken).not.toBe(first.credentialStore.oauthAccessToken);
	});

	test('a wrong application secret fails with a message naming the cause, without the secret', async () => {
		const result = await runOtpNode({
			parameters: sendParams(),
			credentials: oauth({ applicationSecret: `${SECRETS.applicationSecret}-old` }),
		});
		expect(result.status).toBe('error');
		expect(result.error.message).toMatch(/refused the application ID or secret \(invalid_client\)/);
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' })).toHaveLength(0);
		expectNoSecrets(result);
	});

	test('a scope the application does not have is named', async () => {
		sandbox.sx.configure({
			oauthClients: [{ applicationId: 'app-n8n', applicationSecret: SECRETS.applicationSecret, scopes: ['otp'], tokenLifetimeSeconds: 3600 }],
		});
		const result = await runOtpNode({ parameters: sendParams(), credentials: oauth({ scope: 'sms' }) });
		expect(result.error.message).toMatch(/invalid_scope/);
	});

	test('a token without the otp scope is refused up front, not at the first OTP call', async () => {
		sandbox.sx.configure({
			oauthClients: [{ applicationId: 'app-n8n', applicationSecret: SECRETS.applicationSecret, scopes: ['sms'], tokenLifetimeSeconds: 3600 }],
		});
		const result = await runOtpNode({ parameters: sendParams(), credentials: oauth() });
		expect(result.error.message).toMatch(/without the otp scope \(granted: sms\)/);
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' })).toHaveLength(0);
	});

	test('the credential test passes for a valid application and names a wrong secret', async () => {
		expect(await testCredential(oauth())).toEqual({ status: 'OK' });
		const bad = await testCredential(oauth({ applicationSecret: 'nope' }));
		expect(bad).toMatchObject({ status: 'Error', message: expect.stringMatching(/invalid_client/) });
	});
});

// OAuth2 client credentials: the credential's dispatcher fetches one token for every execution in the process
// through n8n's preAuthentication (so n8n saves it with the credential, where other processes and later
// executions find it), bounded by Timeout, renews it before it expires (at half a short lifetime) and after a 401
// (only the refused one), and adopts a saved token only when it was issued for the current settings.
const helpers = require('./helpers');

const { useSandbox, expectNoSecrets, SECRETS } = helpers;
// These tests send many codes to one number; the Fraud Guard's cap is tested in fraud-guard.test.js.
const sendParams = (phone, fields, options) => helpers.sendParams(phone, fields, { maxSendsPerNumber: 0, ...options });
const path = require('path');
const { credentialStore, forgetDispatchers, runOtpNode, runConcurrently, testCredential } = require('./engine/harness');

const { tokenBinding } = require(path.join(__dirname, '..', 'dist', 'nodes', 'shared', 'oauth.js'));

const sandbox = useSandbox();

const tokenCalls = () => sandbox.sx.requests({ method: 'POST', path: '/oauth/token' });
const oauth = (overrides = {}) => ({ ...sandbox.credentials.oAuth2ClientCredentials, ...overrides });
const client = (overrides) => ({ applicationId: 'app-n8n', applicationSecret: SECRETS.applicationSecret, scopes: null, ...overrides });

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
		// fetched through n8n's preAuthentication, which saved it with the credential (bound to its settings)
		expect(result.credentialEvents).toEqual([{ event: 'credentialsUpdated', type: 'smscxApi', expired: false }]);
		expect(result.credentialStore).toMatchObject({
			oauthAccessToken: expect.stringMatching(/^sxat_/),
			oauthExpiresAt: expect.any(Number),
			oauthTokenBinding: tokenBinding(oauth()),
		});
		// the Timeout passed to preAuthentication is not saved
		expect(Object.keys(result.credentialStore).filter((key) => /timeout/i.test(key))).toEqual([]);
		expect(result.serialized).not.toMatch(/sxat_/);
		expectNoSecrets(result);
	});

	test('a token one process saved is adopted by an execution in another process: one token call', async () => {
		const store = credentialStore(oauth());
		const first = await runOtpNode({ parameters: sendParams(), credentials: oauth(), store });
		expect(first.status).toBe('success');
		const saved = store.smscxApi.oauthAccessToken;
		forgetDispatchers(); // a new n8n process (a queue-mode worker, an `n8n execute` run): nothing in memory
		const second = await runOtpNode({ parameters: sendParams(), credentials: oauth(), store });
		expect(second.status).toBe('success');
		expect(second.credentialEvents).toEqual([]); // n8n ran no token request
		expect(tokenCalls()).toHaveLength(1);
		const posts = sandbox.sx.requests({ method: 'POST', path: '/otp' });
		expect(posts.map((r) => [r.status, r.auth])).toEqual([
			[201, 'bearer'],
			[201, 'bearer'],
		]);
		expect(store.smscxApi.oauthAccessToken).toBe(saved);
	});

	test.each([
		['application ID', { applicationId: 'app-other' }],
		['scope', { scope: 'otp' }],
		['Base URL', { baseUrl: 'edited' }],
	])('a saved token is not adopted once the %s was edited: a new one is fetched and saved', async (_what, edit) => {
		sandbox.sx.configure({
			oauthClients: [client({ tokenLifetimeSeconds: 3600 }), client({ applicationId: 'app-other', tokenLifetimeSeconds: 3600 })],
		});
		const store = credentialStore(oauth());
		expect((await runOtpNode({ parameters: sendParams(), credentials: oauth(), store })).status).toBe('success');
		const saved = store.smscxApi.oauthAccessToken;
		forgetDispatchers();
		// the edit keeps the saved token fields, as n8n does when the user changes a visible field
		const changes = edit.baseUrl ? { baseUrl: sandbox.sx.url.replace('127.0.0.1', 'localhost') } : edit;
		Object.assign(store.smscxApi, changes);
		const edited = await runOtpNode({ parameters: sendParams(), credentials: oauth(), store });
		expect(edited.status).toBe('success');
		expect(tokenCalls()).toHaveLength(2);
		expect(store.smscxApi.oauthAccessToken).not.toBe(saved);
		expect(store.smscxApi.oauthTokenBinding).toBe(tokenBinding({ ...oauth(), ...changes }));
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' }).map((r) => r.status)).toEqual([201, 201]);
	});

	test('reuses the token for every item and the next execution: one token call in all', async () => {
		const ids = await otpIds(12); // sent with the API key: no token calls yet
		const first = await runOtpNode({
			parameters: { operation: 'status', otpId: '={{ $json.id }}' },
			items: ids.map((id) => ({ id })),
			credentials: oauth(),
		});
		expect(first.success).toHaveLength(12);
		const second = await runOtpNode({ parameters: { operation: 'status', otpId: ids[0] }, credentials: oauth() });
		expect(second.status).toBe('success');
		expect(tokenCalls()).toHaveLength(1);
		expect(sandbox.sx.requests({ method: 'GET' })).toHaveLength(13);
	});

	test('60 concurrent executions fetch 1 token, saved once; the next process adopts it', async () => {
		const store = credentialStore(oauth());
		const results = await runConcurrently(60, () => ({ parameters: sendParams(), credentials: oauth(), store }));
		expect(results.map((r) => r.status)).toEqual(Array(60).fill('success'));
		expect(tokenCalls()).toHaveLength(1);
		expect(results.flatMap((r) => r.credentialEvents)).toHaveLength(1);
		expect(sandbox.sx.messages).toHaveLength(60);
		forgetDispatchers();
		const later = await runConcurrently(60, () => ({ parameters: sendParams(), credentials: oauth(), store }));
		expect(later.map((r) => r.status)).toEqual(Array(60).fill('success'));
		expect(tokenCalls()).toHaveLength(1);
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' }).filter((r) => r.status !== 201)).toEqual([]);
	});

	test('a lifetime shorter than the renewal margin renews at half the lifetime, not on every call', async () => {
		sandbox.sx.configure({ oauthClients: [client({ tokenLifetimeSeconds: 2 })] });
		for (let i = 0; i < 3; i++) expect((await runOtpNode({ parameters: sendParams(), credentials: oauth() })).status).toBe('success');
		expect(tokenCalls()).toHaveLength(1); // before: one token per request
		await new Promise((resolve) => setTimeout(resolve, 1100)); // past half the lifetime
		expect((await runOtpNode({ parameters: sendParams(), credentials: oauth() })).status).toBe('success');
		expect(tokenCalls()).toHaveLength(2);
		expect(sandbox.sx.requests().filter((r) => r.status === 401)).toHaveLength(0);
	});

	test.each([['omit'], [0], [-5]])('expires_in %p is read as "does not expire": one token, renewed only after a 401', async (answer) => {
		sandbox.sx.configure({ oauthClients: [client({ tokenLifetimeSeconds: 3600, answerExpiresIn: answer })] });
		for (let i = 0; i < 3; i++) expect((await runOtpNode({ parameters: sendParams(), credentials: oauth() })).status).toBe('success');
		expect(tokenCalls()).toHaveLength(1);
		sandbox.sx.advanceClock(3601); // SMS.CX expires it after all
		expect((await runOtpNode({ parameters: sendParams(), credentials: oauth() })).status).toBe('success');
		expect(tokenCalls()).toHaveLength(2);
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' }).map((r) => r.status)).toEqual([201, 201, 201, 401, 201]);
	});

	test('renews the token after a 401 and sends the refused Send once more (it was not processed)', async () => {
		const first = await runOtpNode({ parameters: sendParams(), credentials: oauth() });
		expect(first.status).toBe('success');
		sandbox.sx.advanceClock(3601); // SMS.CX now considers the token expired; the node does not know
		const second = await runOtpNode({ parameters: sendParams(), credentials: oauth() });
		expect(second.status).toBe('success');
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' }).map((r) => r.status)).toEqual([201, 401, 201]);
		expect(sandbox.sx.messages).toHaveLength(2);
		expect(tokenCalls()).toHaveLength(2);
	});

	test('a 401 renews only the token that was refused: 10 refused items share one renewal', async () => {
		const ids = await otpIds(10);
		await runOtpNode({ parameters: { operation: 'status', otpId: ids[0] }, credentials: oauth() });
		sandbox.sx.advanceClock(3601);
		sandbox.sx.configure({ latencyMs: 20 }); // all ten are in flight with the old token at once
		const result = await runOtpNode({
			parameters: { operation: 'status', otpId: '={{ $json.id }}', options: { concurrency: 10 } },
			items: ids.map((id) => ({ id })),
			credentials: oauth(),
		});
		expect(result.success).toHaveLength(10);
		// before: each late 401 threw away the token another item had just fetched
		expect(tokenCalls()).toHaveLength(2);
	});

	test('the token request is bounded by Timeout, and a failed one says nothing was sent', async () => {
		sandbox.sx.injectFault({ method: 'POST', path: '/oauth/token', kind: 'hang' });
		const hung = await runOtpNode({ parameters: sendParams('+33612246400', {}, { timeout: 300 }), credentials: oauth() });
		expect(hung.status).toBe('error');
		expect(hung.error.message).toMatch(/could not get an OAuth2 access token.*no answer within the timeout\. Nothing was sent/);
		expect(hung.error.description).not.toMatch(/may have processed/);
		sandbox.sx.injectFault({ method: 'POST', path: '/oauth/token', kind: 'closeBeforeProcessing' });
		const store = credentialStore(oauth());
		const dropped = await runConcurrently(5, () => ({ parameters: sendParams(), credentials: oauth(), store }));
		for (const result of dropped) {
			// the one that fetched and the four that waited for it
			expect(result.error.message).toMatch(/could not get an OAuth2 access token.*Nothing was sent/);
			expect(result.error.description).not.toMatch(/may have processed/);
			expect(result.credentialEvents).toEqual([]);
			expectNoSecrets(result);
		}
		expect(tokenCalls()).toHaveLength(2); // the hung one, then one for the five
		expect(store.smscxApi.oauthAccessToken).toBe(''); // nothing saved
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' })).toHaveLength(0);
	});

	test('a stored token is used only when it was issued for this application ID, scope and Base URL', async () => {
		const issued = await (
			await fetch(`${sandbox.sx.url}/oauth/token`, {
				method: 'POST',
				headers: {
					Authorization: `Basic ${Buffer.from(`app-n8n:${SECRETS.applicationSecret}`).toString('base64')}`,
					'Content-Type': 'application/x-www-form-urlencoded',
				},
				body: 'grant_type=client_credentials',
			})
		).json();
		const stored = { oauthAccessToken: issued.access_token, oauthExpiresAt: Date.now() + 3600000 };
		// bound to these settings: used as is, no token call
		const bound = await runOtpNode({
			parameters: sendParams(),
			credentials: oauth({ ...stored, oauthTokenBinding: tokenBinding(oauth()) }),
		});
		expect(bound.status).toBe('success');
		expect(tokenCalls()).toHaveLength(1); // the one made above by this test
		// the credential was edited (scope otp): the stored token is not used, a new one is fetched
		const edited = await runOtpNode({
			parameters: sendParams(),
			credentials: oauth({ ...stored, scope: 'otp', oauthTokenBinding: tokenBinding(oauth()) }),
		});
		expect(edited.status).toBe('success');
		expect(tokenCalls()).toHaveLength(2);
		expect(tokenCalls()[1].body).toMatchObject({ scope: 'otp' });
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

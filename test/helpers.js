// Shared set-up for the engine tests: a fresh stand-in with distinctive secrets, credentials for both
// auth types, and a check that none of the secrets appears anywhere in what a run stored.
const { startStandIn } = require('./stand-in');
const { runOtpNode, forgetDispatchers, forgetSendCounts } = require('./engine/harness');

const SECRETS = {
	apiKey: 'key-7f3a9c2e-do-not-leak',
	accessToken: 'token-41be8d07-do-not-leak',
	webhookSecret: 'whsec-5c1d2e9f-do-not-leak',
	applicationSecret: 'appsecret-93ac10e4-do-not-leak',
};

async function startSandbox(options = {}) {
	const sx = await startStandIn({
		apiKeys: [SECRETS.apiKey],
		accessTokens: [SECRETS.accessToken],
		oauthClients: [
			{ applicationId: 'app-n8n', applicationSecret: SECRETS.applicationSecret, scopes: null, tokenLifetimeSeconds: 3600 },
		],
		...options,
	});
	const credentials = {
		apiKey: { authType: 'apiKey', apiKey: SECRETS.apiKey, baseUrl: sx.url, webhookSecret: SECRETS.webhookSecret },
		accessToken: {
			authType: 'accessToken',
			accessToken: SECRETS.accessToken,
			baseUrl: sx.url,
			webhookSecret: SECRETS.webhookSecret,
		},
		oAuth2ClientCredentials: {
			authType: 'oAuth2ClientCredentials',
			applicationId: 'app-n8n',
			applicationSecret: SECRETS.applicationSecret,
			scope: '',
			oauthAccessToken: '',
			baseUrl: sx.url,
			webhookSecret: SECRETS.webhookSecret,
		},
	};
	const run = (parameters, opts = {}) =>
		runOtpNode({ parameters, credentials: credentials[opts.auth || 'apiKey'], ...opts });
	return { sx, credentials, run };
}

const sendParams = (phoneNumber = '+33612246400', additionalFields = {}, options = {}) => ({
	operation: 'new',
	phoneNumber,
	additionalFields,
	options,
});

/**
 * Registers jest hooks for one stand-in per test file, reset before each test. The returned object is
 * filled in before the first test runs: `sandbox.sx`, `sandbox.run(parameters, opts)`, `sandbox.credentials`.
 */
function useSandbox(options) {
	const sandbox = {};
	beforeAll(async () => Object.assign(sandbox, await startSandbox(options)));
	afterAll(() => sandbox.sx.close());
	// a reset stand-in is a new SMS.CX: the node forgets what it learned (rate limit, tokens, Fraud Guard counts),
	// as a new process would
	beforeEach(() => {
		sandbox.sx.reset();
		forgetDispatchers();
		forgetSendCounts();
	});
	return sandbox;
}

/** Sends an OTP through the node and returns its otpId. */
async function newOtp(sandbox, additionalFields = {}) {
	const result = await sandbox.run(sendParams('+33612246400', additionalFields));
	expect(result.status).toBe('success');
	return result.success[0].json.otpId;
}

/**
 * Fails when a key, token or webhook secret appears anywhere in what the run stored (run data, errors
 * with their descriptions and causes), or when one of `pins` appears in the SMS.CX node's own data.
 * (Pins are checked on the node's data only: n8n passes input items through, and tests may feed the
 * PIN in as input.)
 */
function expectNoSecrets(result, pins = []) {
	const errorText = (error) =>
		error ? JSON.stringify({ ...error, message: error.message, description: error.description }) : '';
	const everything = result.serialized + errorText(result.error);
	for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
	const nodeData = JSON.stringify(result.run.data.resultData.runData['SMS.CX OTP'] || []) + errorText(result.error);
	for (const pin of pins) expect(nodeData).not.toContain(pin);
}


module.exports = { SECRETS, useSandbox, newOtp, expectNoSecrets, sendParams };

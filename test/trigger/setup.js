// Shared set-up for the trigger tests: the SMS.CX stand-in, the SMS.CX OTP node run in n8n's engine, and the
// trigger served over HTTP like n8n's webhook server (test/engine/webhook.js).
const { startStandIn } = require('../stand-in');
const { runOtpNode } = require('../engine/harness');
const { startTriggerServer } = require('../engine/webhook');

const SECRETS = { apiKey: 'key-trigger-3b9e61d0-do-not-leak', webhookSecret: 'whsec-trigger-8c2f47a1-do-not-leak' };

/** The stand-in, the smscxApi credential for it, and `run(parameters)` for the SMS.CX OTP node. */
async function startSandbox(options = {}) {
	const sx = await startStandIn({ apiKeys: [SECRETS.apiKey], ...options });
	const credentials = {
		apiKey: { authType: 'apiKey', apiKey: SECRETS.apiKey, baseUrl: sx.url, webhookSecret: SECRETS.webhookSecret },
	};
	const run = (parameters) => runOtpNode({ parameters, credentials: credentials.apiKey });
	return { sx, credentials, run };
}

const sendParams = (phoneNumber, additionalFields) => ({ operation: 'new', phoneNumber, additionalFields, options: {} });

// Callbacks wait for flushCallbacks() and are not retried unless a test asks for it.
const STAND_IN = { callbackBatchMs: 60000, callbackRetries: 0 };

const withSecret = (credentials) => ({ ...credentials });
const withoutSecret = ({ webhookSecret, ...credentials }) => credentials;

/**
 * Starts a trigger for the sandbox's API-key credential (with its webhook secret unless `credentials` says
 * otherwise) and activates it unless `activate: false`.
 */
async function startTrigger(sandbox, { parameters = {}, credentials, mode, staticData, activate = true } = {}) {
	const trigger = await startTriggerServer({
		parameters,
		credentials: credentials || withSecret(sandbox.credentials.apiKey),
		mode,
		staticData,
	});
	if (activate) await trigger.activate();
	return trigger;
}

/** Sends an OTP whose callbacks go to `callbackUrl`; `appendWebhookSecret` adds ?token=<secret> like users do. */
async function sendOtp(sandbox, callbackUrl, appendWebhookSecret = true) {
	const result = await sandbox.run(sendParams('+33612246400', { otpCallbackUrl: callbackUrl, appendWebhookSecret }));
	expect(result.status).toBe('success');
	return result.success[0].json.otpId;
}

const verifyOtp = async (sandbox, otpId) => {
	const result = await sandbox.run({ operation: 'verify', otpId, pin: sandbox.sx.pinOf(otpId) });
	expect(result.success[0].json.verified).toBe(true);
};

const cancelOtp = async (sandbox, otpId) => {
	const result = await sandbox.run({ operation: 'cancel', otpId });
	expect(result.status).toBe('success');
};

/** Sends what SMS.CX queued, then waits until every execution it started has finished. */
async function deliver(sandbox, trigger) {
	await sandbox.sx.flushCallbacks();
	await trigger.settle();
	return sandbox.sx.callbackDeliveries;
}

/** Fails when the webhook secret or API key appears in anything the trigger produced: items, errors, answers. */
function expectSecretNowhere(trigger, extra = []) {
	const errorText = (error) =>
		error ? JSON.stringify({ ...error, message: error.message, description: error.description }) : '';
	const everything = [
		...trigger.executions.map((e) => e.serialized + errorText(e.error) + JSON.stringify(e.items)),
		...trigger.responses.map((r) => r.text),
		...extra,
	].join('\n');
	for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
}

const callback = (...entries) => ({ event: 'otp_update', data: entries });
const entry = (otpId, status, extra = {}) => ({ otpId, status, ...extra });
const token = `?token=${SECRETS.webhookSecret}`;

module.exports = {
	STAND_IN,
	SECRETS,
	startSandbox,
	startTrigger,
	withoutSecret,
	sendOtp,
	verifyOtp,
	cancelOtp,
	deliver,
	expectSecretNowhere,
	callback,
	entry,
	token,
};

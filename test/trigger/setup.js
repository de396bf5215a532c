// Shared set-up for the trigger tests: the SMS.CX stand-in, the SMS.CX OTP node run in n8n's engine, and the
// trigger served over HTTP like n8n's webhook server (test/engine/webhook.js).
const { useSandbox, sendParams, SECRETS } = require('../helpers');
const { startTriggerServer } = require('../engine/webhook');

// Callbacks wait for flushCallbacks() and are not retried unless a test asks for it.
const STAND_IN = { callbackBatchMs: 60000, callbackRetries: 0 };

/** The stand-in for a trigger test file (see useSandbox), with callbacks held until a test delivers them. */
const useTriggerSandbox = () => useSandbox(STAND_IN);

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
/** A stable lower-case UUID for a short label ('a' → 0c…-…): the trigger only accepts SMS.CX-shaped otpIds. */
const otpIdOf = (label) =>
	require('crypto').createHash('sha256').update(label).digest('hex').slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const token = `?token=${SECRETS.webhookSecret}`;

module.exports = {
	STAND_IN,
	SECRETS,
	useTriggerSandbox,
	startTrigger,
	withoutSecret,
	sendOtp,
	verifyOtp,
	cancelOtp,
	deliver,
	expectSecretNowhere,
	callback,
	entry,
	otpIdOf,
	token,
};

// Small helpers for scripts/demo.js.
'use strict';

const crypto = require('crypto');
const { workflow, example, exampleFiles, standInCredentials } = require('../e2e/lib/fixtures');

// The local demo instance's owner account (a throwaway n8n in .e2e/demo/, listening on 127.0.0.1 only).
const OWNER_DEMO = { email: 'demo@example.com', firstName: 'Demo', lastName: 'User', password: 'Demo-Passw0rd' };

// Stable ids for the examples the demo drives (the same as the e2e suites use); other example files get one
// derived from their name.
const EXAMPLE_IDS = {
	'phone-verification-webhooks': 'exVerifyHooks001',
	'phone-verification-wait': 'exVerifyWait0001',
	'otp-status-trigger': 'exStatusTrigger1',
	'cancel-pending-otps': 'exCleanupPending',
};

const shortHash = (v) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 9);

// The demo's OAuth2 credential: the stand-in's own application (its ID and secret come from the stand-in at start).
const DEMO_OAUTH = { id: 'smscxDemoOAuth2C', name: 'SMS.CX stand-in (OAuth2 client credentials)' };

/**
 * The demo's credentials, all on the stand-in: API key (the examples use it), access token, OAuth2 client credentials.
 * @param {{ url: string, apiKey: string, accessToken: string, applicationId: string, applicationSecret: string }} standIn
 */
function demoCredentials(standIn, { webhookSecret }) {
	const oauth2 = {
		...DEMO_OAUTH,
		type: 'smscxApi',
		data: {
			authType: 'oAuth2ClientCredentials',
			applicationId: standIn.applicationId,
			applicationSecret: standIn.applicationSecret,
			scope: '',
			baseUrl: standIn.url,
			webhookSecret,
		},
	};
	return [...standInCredentials(standIn, { webhookSecret }), oauth2];
}

/** The items the start (trigger) node of an execution emitted: [{ otpId, status, ... }]. */
function pickOtpItems(execution) {
	const runData = (execution && execution.data && execution.data.resultData && execution.data.resultData.runData) || {};
	const out = [];
	for (const runs of Object.values(runData)) {
		const first = runs && runs[0];
		if (!first || (first.source && first.source.length && first.source[0])) continue; // not a start node
		for (const item of (first.data && first.data.main && first.data.main[0]) || []) out.push(item.json);
	}
	return out;
}

/** Items a node emitted (main output 0, run 0) in an execution read over the public API. */
function nodeOutput(execution, node) {
	const runs = execution && execution.data && execution.data.resultData && execution.data.resultData.runData[node];
	return runs && runs[0] && runs[0].data ? (runs[0].data.main[0] || []).map((i) => i.json) : undefined;
}

/**
 * The workflows the demo imports: every example in examples/ (as a user imports it, with every SMS.CX node on the
 * demo's API-key credential) and the e2e "every operation" workflow to click through.
 * @returns {{ workflows: object[], examples: Record<string, object> }} examples by file name
 */
function demoWorkflows(standInUrl) {
	const examples = {};
	for (const file of exampleFiles()) {
		examples[file] = example(file, { id: EXAMPLE_IDS[file] || `smscxEx${shortHash(file)}`, auth: 'apiKey' });
	}
	const ops = workflow('operations', { standInUrl, id: 'smscxDemoEveryOp' });
	ops.name = 'SMS.CX demo: every operation (Execute workflow, then click each node)';
	return { workflows: [...Object.values(examples), ops], examples };
}

/** The SMS.CX OTP Trigger's production path in a workflow: <webhookId>/<the node's webhook path>. */
function triggerPathIn(wf, suffix) {
	const node = wf && wf.nodes.find((n) => n.type === 'n8n-nodes-smscx.smscxOtpTrigger');
	return node ? `${node.webhookId}/${suffix}` : undefined;
}

module.exports = { OWNER_DEMO, EXAMPLE_IDS, DEMO_OAUTH, demoCredentials, pickOtpItems, nodeOutput, demoWorkflows, triggerPathIn };

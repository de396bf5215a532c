// Credentials and workflow templates for the e2e tests and the demo.
// Workflow files are plain JSON with placeholders filled in at import time:
//   __STANDIN_URL__ (the stand-in's base URL), __CRED_ID__ / __CRED_NAME__ (the credential), __WORKFLOW_ID__.
// The example workflows in examples/ carry no placeholders (they are for users): example() loads one and points its
// SMS.CX nodes at a stand-in credential.
'use strict';

const fs = require('fs');
const path = require('path');
const { WORKFLOWS, ROOT } = require('./paths');
const { SCRIPTED_MODEL_CRED } = require('./model');

const EXAMPLES = path.join(ROOT, 'examples');
const WEBHOOK_SECRET = 'e2e-webhook-secret-0123456789abcdef';

// OAuth clients the e2e stand-in knows besides its default one (tokens of the short one live 35 s: the credential
// renews 30 s before expiry, so a token counts as expiring 5 s after it was issued).
const OAUTH_CLIENTS = {
	short: { applicationId: 'e2e-oauth-short', applicationSecret: 'e2e-oauth-short-secret-0123', scopes: null, tokenLifetimeSeconds: 35 },
	long: { applicationId: 'e2e-oauth-long', applicationSecret: 'e2e-oauth-long-secret-45678', scopes: null, tokenLifetimeSeconds: 600 },
};

// n8n ids are 16 characters in the CLI import format.
const CREDS = {
	apiKey: { id: 'smscxE2eApiKey01', name: 'SMS.CX stand-in (API key)' },
	accessToken: { id: 'smscxE2eToken001', name: 'SMS.CX stand-in (access token)' },
	noSecret: { id: 'smscxE2eNoSecret', name: 'SMS.CX stand-in (no webhook secret)' },
	oauthShort: { id: 'smscxE2eOAuthSht', name: 'SMS.CX stand-in (OAuth2, 35 s tokens)' },
	oauthLong: { id: 'smscxE2eOAuthLng', name: 'SMS.CX stand-in (OAuth2, 600 s tokens)' },
	oauthTest: { id: 'smscxE2eOAuthTst', name: 'SMS.CX stand-in (OAuth2, for the credential test)' },
	oauthBad: { id: 'smscxE2eOAuthBad', name: 'SMS.CX stand-in (OAuth2, wrong secret)' },
	badKey: { id: 'smscxE2eBadKey01', name: 'SMS.CX stand-in (wrong API key)' },
};

function oauthData(standIn, client, webhookSecret, secret = client.applicationSecret) {
	return {
		authType: 'oAuth2ClientCredentials',
		applicationId: client.applicationId,
		applicationSecret: secret,
		scope: '',
		baseUrl: standIn.url,
		webhookSecret,
	};
}

/**
 * Both static credential kinds, pointing at the stand-in (the demo uses these). The data is plain:
 * `n8n import:credentials` encrypts it.
 */
function standInCredentials(standIn, { webhookSecret = WEBHOOK_SECRET } = {}) {
	return [
		{
			...CREDS.apiKey,
			type: 'smscxApi',
			data: { authType: 'apiKey', apiKey: standIn.apiKey, accessToken: '', baseUrl: standIn.url, webhookSecret },
		},
		{
			...CREDS.accessToken,
			type: 'smscxApi',
			data: { authType: 'accessToken', apiKey: '', accessToken: standIn.accessToken, baseUrl: standIn.url, webhookSecret },
		},
	];
}

/** Everything the e2e suites import: the two above, one without webhook secret, OAuth2 ones and two broken ones. */
function e2eCredentials(standIn, { webhookSecret = WEBHOOK_SECRET } = {}) {
	return [
		...standInCredentials(standIn, { webhookSecret }),
		{ ...CREDS.noSecret, type: 'smscxApi', data: { authType: 'apiKey', apiKey: standIn.apiKey, baseUrl: standIn.url, webhookSecret: '' } },
		{ ...CREDS.oauthShort, type: 'smscxApi', data: oauthData(standIn, OAUTH_CLIENTS.short, webhookSecret) },
		{ ...CREDS.oauthLong, type: 'smscxApi', data: oauthData(standIn, OAUTH_CLIENTS.long, webhookSecret) },
		{ ...CREDS.oauthTest, type: 'smscxApi', data: oauthData(standIn, OAUTH_CLIENTS.long, webhookSecret) },
		{ ...CREDS.oauthBad, type: 'smscxApi', data: oauthData(standIn, OAUTH_CLIENTS.long, webhookSecret, 'not-the-secret-000') },
		{ ...CREDS.badKey, type: 'smscxApi', data: { authType: 'apiKey', apiKey: 'not-a-valid-api-key', baseUrl: standIn.url, webhookSecret } },
	];
}

function fill(text, values) {
	return text.replace(/__([A-Z_]+?)__/g, (m, key) => (Object.hasOwn(values, key) ? String(values[key]) : m));
}

/**
 * Loads a workflow file and fills its placeholders.
 * @param {string} file   name in e2e/workflows (without .json) or a path
 * @param {object} o
 * @param {string} [o.standInUrl]
 * @param {keyof CREDS} [o.auth]  which credential the SMS.CX nodes use (default apiKey)
 * @param {string} [o.id]   workflow id (required when the file has __WORKFLOW_ID__)
 */
function workflow(file, { standInUrl = 'http://127.0.0.1:4010', auth = 'apiKey', id, extra = {} } = {}) {
	const p = file.includes('/') ? file : path.join(WORKFLOWS, `${file}.json`);
	const cred = CREDS[auth];
	if (!cred) throw new Error(`unknown credential '${auth}'`);
	const text = fill(fs.readFileSync(p, 'utf8'), {
		STANDIN_URL: standInUrl.replace(/\/+$/, ''),
		CRED_ID: cred.id,
		CRED_NAME: cred.name,
		WORKFLOW_ID: id || '__WORKFLOW_ID__',
		...extra,
	});
	const wf = JSON.parse(text);
	if (id) wf.id = id;
	if (/__[A-Z_]+__/.test(JSON.stringify(wf))) throw new Error(`workflow ${file}: unfilled placeholder`);
	return wf;
}

/**
 * One of the user-facing example workflows (examples/<file>.json), as a user would import it, with every SMS.CX
 * node switched to a stand-in credential (the only change a user makes besides their own steps).
 * @param {string} file  name in examples/ without .json
 * @param {object} o
 * @param {string} o.id  workflow id
 * @param {keyof CREDS} [o.auth]
 */
function example(file, { id, auth = 'apiKey' } = {}) {
	const wf = JSON.parse(fs.readFileSync(path.join(EXAMPLES, `${file}.json`), 'utf8'));
	wf.id = id;
	wf.active = false;
	for (const node of wf.nodes) {
		if (String(node.type).startsWith('n8n-nodes-smscx.')) node.credentials = { smscxApi: { ...CREDS[auth] } };
		// An AI example's OpenAI Chat Model talks to the scripted model (e2e/lib/model.js) instead of OpenAI.
		if (node.credentials && node.credentials.openAiApi) node.credentials = { openAiApi: { ...SCRIPTED_MODEL_CRED } };
	}
	return wf;
}

/** The example files, by name (without .json). */
function exampleFiles() {
	return fs.existsSync(EXAMPLES) ? fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}

/** Webhook paths of a workflow's webhook-style trigger nodes. */
function webhookPaths(wf) {
	return wf.nodes.filter((n) => n.webhookId && n.parameters && n.parameters.path).map((n) => n.parameters.path);
}

/** The production webhook path of the SMS.CX OTP Trigger in a workflow: <webhookId>/webhook. */
function triggerPath(wf) {
	const node = wf.nodes.find((n) => n.type === 'n8n-nodes-smscx.smscxOtpTrigger');
	if (!node) throw new Error(`workflow ${wf.name} has no SMS.CX OTP Trigger`);
	return `${node.webhookId}/webhook`;
}

module.exports = {
	CREDS,
	OAUTH_CLIENTS,
	WEBHOOK_SECRET,
	EXAMPLES,
	standInCredentials,
	e2eCredentials,
	workflow,
	example,
	exampleFiles,
	webhookPaths,
	triggerPath,
	fill,
};

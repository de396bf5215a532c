// Credentials and workflow templates for the e2e tests and the demo.
// Workflow files are plain JSON with placeholders filled in at import time:
//   __STANDIN_URL__ (the stand-in's base URL), __CRED_ID__ / __CRED_NAME__ (the credential), __WORKFLOW_ID__.
'use strict';

const fs = require('fs');
const path = require('path');
const { WORKFLOWS } = require('./paths');

// n8n ids are 16 characters in the CLI import format.
const CREDS = {
	apiKey: { id: 'smscxE2eApiKey01', name: 'SMS.CX stand-in (API key)' },
	accessToken: { id: 'smscxE2eToken001', name: 'SMS.CX stand-in (access token)' },
};

/** Both credential kinds, pointing at the stand-in. The data is plain: `n8n import:credentials` encrypts it. */
function standInCredentials(standIn, { webhookSecret = 'e2e-webhook-secret-0123456789abcdef' } = {}) {
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

function fill(text, values) {
	return text.replace(/__([A-Z_]+?)__/g, (m, key) => (Object.hasOwn(values, key) ? String(values[key]) : m));
}

/**
 * Loads a workflow file and fills its placeholders.
 * @param {string} file   name in e2e/workflows (without .json) or a path
 * @param {object} o
 * @param {string} [o.standInUrl]
 * @param {'apiKey'|'accessToken'} [o.auth]  which credential the SMS.CX nodes use (default apiKey)
 * @param {string} [o.id]   workflow id (required when the file has __WORKFLOW_ID__)
 */
function workflow(file, { standInUrl = 'http://127.0.0.1:4010', auth = 'apiKey', id, extra = {} } = {}) {
	const p = file.includes('/') ? file : path.join(WORKFLOWS, `${file}.json`);
	const cred = CREDS[auth];
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

/** Webhook paths of a workflow's webhook-style trigger nodes. */
function webhookPaths(wf) {
	return wf.nodes.filter((n) => n.webhookId && n.parameters && n.parameters.path).map((n) => n.parameters.path);
}

module.exports = { CREDS, standInCredentials, workflow, webhookPaths, fill };

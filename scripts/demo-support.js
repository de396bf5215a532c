// Small helpers for scripts/demo.js.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { workflow, fill, CREDS } = require('../e2e/lib/fixtures');

// The local demo instance's owner account (a throwaway n8n in .e2e/demo/, listening on 127.0.0.1 only).
const OWNER_DEMO = { email: 'demo@example.com', firstName: 'Demo', lastName: 'User', password: 'Demo-Passw0rd' };

const shortHash = (v) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 9);

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

/**
 * Example workflows to import: every *.json in `dir` (one workflow or an array), with the __STANDIN_URL__ /
 * __CRED_ID__ / __CRED_NAME__ placeholders filled, an id when missing, and every SMS.CX node pointed at the
 * demo's stand-in credential. Without that folder: the e2e "every operation" and "error output" workflows.
 */
function exampleWorkflows(dir, standInUrl) {
	const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
	if (!files.length) {
		const ops = workflow('operations', { standInUrl, id: 'smscxDemoEveryOp' });
		ops.name = 'SMS.CX demo: every operation';
		const errs = workflow('error-output', { standInUrl, id: 'smscxDemoErrOut01' });
		errs.name = 'SMS.CX demo: failed items go to the error output';
		return [ops, errs];
	}
	const out = [];
	for (const f of files) {
		const text = fill(fs.readFileSync(path.join(dir, f), 'utf8'), {
			STANDIN_URL: standInUrl.replace(/\/+$/, ''),
			CRED_ID: CREDS.apiKey.id,
			CRED_NAME: CREDS.apiKey.name,
		});
		const parsed = JSON.parse(text);
		(Array.isArray(parsed) ? parsed : [parsed]).forEach((wf, i) => {
			wf.id = wf.id || `smscxEx${shortHash([f, i])}`;
			wf.active = false;
			for (const node of wf.nodes || []) {
				if (String(node.type).startsWith('n8n-nodes-smscx.')) node.credentials = { smscxApi: { ...CREDS.apiKey } };
			}
			out.push(wf);
		});
	}
	return out;
}

module.exports = { OWNER_DEMO, pickOtpItems, exampleWorkflows };

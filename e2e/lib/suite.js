// The end-to-end test body, shared by both n8n flavours. Real n8n, the packed package installed as a
// community package, the SMS.CX stand-in in this process. Assertions are on run data and on the stand-in's
// request log, never on log text.
'use strict';

const fs = require('fs');
const path = require('path');
const { PACK_DIR } = require('./paths');
const { selectedFlavours, flavour: getFlavour } = require('./flavours');
const { N8n, itemsOf, errorOf } = require('./n8n');
const { startInProcess } = require('./standin');
const { e2eCredentials, workflow, OAUTH_CLIENTS } = require('./fixtures');
const { defineTriggerCases, defineTriggerLateCases, TRIGGER_ACTIVATE, TRIGGER_WEBHOOKS, TRIGGER_NO_SECRET_WF } = require('./cases/trigger');
const { defineExampleCases, exampleWorkflows, EXAMPLE_ACTIVATE, EXAMPLE_WEBHOOKS } = require('./cases/examples');
const { defineOAuthCases, OAUTH_ACTIVATE, OAUTH_WEBHOOKS } = require('./cases/oauth');
const { defineAgentCases, agentWorkflows, AGENT_ACTIVATE, AGENT_WEBHOOKS } = require('./cases/agent');
const { startModel, modelCredential } = require('./model');

// The stand-in's default OAuth client plus the e2e ones (short- and long-lived tokens).
const STAND_IN_OAUTH = [
	{ applicationId: 'sandbox-app-id', applicationSecret: 'sandbox-app-secret', scopes: null, tokenLifetimeSeconds: 86400 },
	OAUTH_CLIENTS.short,
	OAUTH_CLIENTS.long,
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OPS_IDS = { apiKey: 'e2eOpsApiKey0001', accessToken: 'e2eOpsToken00001' };
// How the stand-in's request log names each credential kind's header.
const AUTH_KIND = { apiKey: 'apiKey', accessToken: 'bearer' };

/** Request-log entries added after `since` (a seq number). */
async function requestsSince(standIn, since, filter) {
	return (await standIn.requests(filter)).filter((r) => r.seq > since);
}
async function lastSeq(standIn) {
	const all = await standIn.requests();
	return all.length ? all[all.length - 1].seq : 0;
}

/** Message + description of an n8n error object, whatever its shape in the run data. */
function errorText(err) {
	if (!err) return '';
	return [err.message, err.description, err.context && JSON.stringify(err.context)].filter(Boolean).join(' | ');
}

function defineSuite(flavourId) {
	const fl = getFlavour(flavourId);
	const selected = selectedFlavours().includes(flavourId);
	const d = selected ? describe : describe.skip;

	d(`real ${fl.label}`, () => {
		let n8n;
		let standIn;
		let model;
		const timings = {};

		beforeAll(async () => {
			if (!fl.installed()) throw new Error(`${fl.label} is not installed: run e2e/setup.sh ${flavourId}`);
			const packed = JSON.parse(fs.readFileSync(path.join(PACK_DIR, 'packed.json'), 'utf8'));
			standIn = await startInProcess({ oauthClients: STAND_IN_OAUTH });
			model = await startModel();
			n8n = new N8n({ flavour: flavourId, name: `jest-n8n${flavourId}` });
			let t = Date.now();
			await n8n.fresh(packed);
			timings.installPackage = Date.now() - t;
			t = Date.now();
			await n8n.importCredentials([...e2eCredentials(standIn), modelCredential(model)]);
			timings.importCredentials = Date.now() - t;
			const wfs = [
				workflow('operations', { standInUrl: standIn.url, auth: 'apiKey', id: OPS_IDS.apiKey }),
				workflow('operations', { standInUrl: standIn.url, auth: 'accessToken', id: OPS_IDS.accessToken }),
				workflow('validation', { standInUrl: standIn.url }),
				workflow('error-output', { standInUrl: standIn.url }),
				workflow('webhook-probe'),
				workflow('webhook-send', { standInUrl: standIn.url }),
				workflow('trigger-all'),
				workflow('trigger-verified'),
				workflow('trigger-send'),
				workflow('trigger-optout', { auth: 'noSecret' }),
				workflow('trigger-nosecret', { auth: 'noSecret' }),
				workflow('oauth-reuse', { auth: 'oauthLong' }),
				workflow('oauth-expiry', { auth: 'oauthShort' }),
				workflow('oauth-401', { standInUrl: standIn.url, auth: 'oauthLong' }),
				...exampleWorkflows(),
				...agentWorkflows(flavourId, { standInUrl: standIn.url, model }),
			];
			t = Date.now();
			await n8n.importWorkflows(wfs);
			timings.importWorkflows = Date.now() - t;
		}, 240000);

		afterAll(async () => {
			if (n8n) await n8n.stop();
			if (standIn) await standIn.stop();
			if (model) await model.close();
			if (n8n) {
				const line = Object.entries({ ...timings, ...Object.fromEntries(Object.entries(n8n.timings).map(([k, v]) => [k, v.join('+')])) })
					.map(([k, v]) => `${k}=${v}`)
					.join(' ');
				process.stderr.write(`[e2e n8n${flavourId} ${n8n.fl.version()}] timings (ms): ${line}\n`);
			}
		}, 60000);

		describe.each(['apiKey', 'accessToken'])('with the %s credential', (auth) => {
			let result;
			let since;

			beforeAll(async () => {
				since = await lastSeq(standIn);
				result = await n8n.execute(OPS_IDS[auth]);
			}, 180000);

			it('runs the whole workflow successfully', () => {
				expect(result.error).toBeUndefined();
				expect(result.status).toBe('success');
			});

			it('Send returns the OTP object (PENDING, the requested ttl, no PIN)', () => {
				const [otp] = itemsOf(result.runData, 'Send');
				expect(otp.otpId).toMatch(UUID);
				expect(otp).toMatchObject({ status: 'PENDING', phoneNumber: '+33612345678', ttl: 120, maxAttempts: 3, attempts: 0 });
				expect(otp).not.toHaveProperty('pin');
			});

			it('Get Status returns the same OTP', () => {
				const [sent] = itemsOf(result.runData, 'Send');
				const [status] = itemsOf(result.runData, 'Status');
				expect(status).toMatchObject({ otpId: sent.otpId, status: 'PENDING' });
			});

			it('Verify with a wrong PIN returns verified: false with code 2029', () => {
				const [sent] = itemsOf(result.runData, 'Send');
				const [wrong] = itemsOf(result.runData, 'Verify wrong PIN');
				expect(wrong).toMatchObject({ verified: false, otpId: sent.otpId, code: 2029, type: 'invalid_pin' });
				expect(typeof wrong.message).toBe('string');
			});

			it('Verify with the right PIN returns verified: true, and the OTP becomes VERIFIED', () => {
				const [sent] = itemsOf(result.runData, 'Send');
				// Verify adds the OTP's phone number, country and track ID (a free GET after the check)
				expect(itemsOf(result.runData, 'Verify')).toEqual([
					{ verified: true, otpId: sent.otpId, status: 'VERIFIED', phoneNumber: sent.phoneNumber, countryIso: sent.countryIso, trackId: null },
				]);
				const [after] = itemsOf(result.runData, 'Status after verify');
				expect(after).toMatchObject({ otpId: sent.otpId, status: 'VERIFIED', attempts: 1 });
			});

			it('Cancel returns cancelled: true and the stand-in shows the OTP CANCELLED', async () => {
				const [other] = itemsOf(result.runData, 'Send another');
				expect(itemsOf(result.runData, 'Cancel')).toEqual([{ cancelled: true, otpId: other.otpId }]);
				expect((await standIn.otp(other.otpId)).status).toBe('CANCELLED');
			});

			it(`every SMS.CX request carried the ${auth} header`, async () => {
				const api = (await requestsSince(standIn, since)).filter((r) => !r.path.startsWith('/__control'));
				// 2 x POST /otp, 2 x GET status, 2 x verify (each followed by a free GET for the phone number), 1 x DELETE
				const expected = ['DELETE /otp/:id', 'POST /otp', 'POST /otp', 'POST /otp/:id', 'POST /otp/:id'];
				expect(api.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ':id')}`).sort()).toEqual(
					[...expected, 'GET /otp/:id', 'GET /otp/:id', 'GET /otp/:id', 'GET /otp/:id'].sort(),
				);
				expect(new Set(api.map((r) => r.auth))).toEqual(new Set([AUTH_KIND[auth]]));
			});
		});

		describe('input that breaks an SMS.CX rule (ttl 5)', () => {
			let result;
			let since;
			beforeAll(async () => {
				since = await lastSeq(standIn);
				result = await n8n.execute('e2eValidation001');
			}, 180000);

			it('fails the item with a message naming ttl and code 2008', () => {
				expect(result.status).toBe('error');
				const err = errorOf(result.runData, 'Send with ttl 5') || result.error;
				const text = errorText(err);
				expect(text).toMatch(/ttl/);
				expect(text).toMatch(/2008/);
			});

			it('sends nothing to SMS.CX', async () => {
				expect(await requestsSince(standIn, since, { method: 'POST', path: '/otp' })).toEqual([]);
			});
		});

		describe('failed items with "On Error" set', () => {
			let result;
			let since;
			beforeAll(async () => {
				since = await lastSeq(standIn);
				result = await n8n.execute('e2eErrorOutput01');
			}, 180000);

			it('the workflow succeeds', () => {
				expect(result.error).toBeUndefined();
				expect(result.status).toBe('success');
			});

			it('"continue (using error output)" routes the bad item to the error output, the good one to success', () => {
				const ok = itemsOf(result.runData, 'Send (error output)', { output: 0 });
				const failed = itemsOf(result.runData, 'Send (error output)', { output: 1 });
				expect(ok).toHaveLength(1);
				expect(ok[0].otpId).toMatch(UUID);
				expect(failed).toHaveLength(1);
				expect(failed[0].error).toMatch(/ttl/);
				expect(JSON.stringify(failed[0])).toMatch(/2008/);
				expect(itemsOf(result.runData, 'Sent')).toHaveLength(1);
				expect(itemsOf(result.runData, 'Rejected')).toHaveLength(1);
			});

			it('"continue" keeps both items on the main output, the bad one carrying the error', () => {
				const items = itemsOf(result.runData, 'After continue');
				expect(items).toHaveLength(2);
				expect(items[0].otpId).toMatch(UUID);
				expect(items[1].error).toMatch(/ttl/);
			});

			it('only the valid items reached SMS.CX', async () => {
				const posts = await requestsSince(standIn, since, { method: 'POST', path: '/otp' });
				expect(posts).toHaveLength(2);
				for (const p of posts) expect(p.body).toMatchObject({ ttl: 120 });
			});
		});

		describe('under `n8n start` (webhooks)', () => {
			let server;
			let noSecretActivation;
			// The case modules read the running instance through this object (set in the beforeAll hooks).
			const ctx = {
				get n8n() {
					return n8n;
				},
				get standIn() {
					return standIn;
				},
				get server() {
					return server;
				},
				get model() {
					return model;
				},
				timings,
				flavourId,
			};
			beforeAll(async () => {
				// One workflow activated the CLI way before the start, the others through the public API once running.
				await n8n.activate('e2eWebhookProbe1');
				const t = Date.now();
				server = await n8n.start();
				await server.waitForWebhook('e2e-probe');
				timings.startToWebhooksLive = Date.now() - t;
				const t2 = Date.now();
				for (const id of ['e2eWebhookSend01', ...TRIGGER_ACTIVATE, ...EXAMPLE_ACTIVATE, ...OAUTH_ACTIVATE, ...AGENT_ACTIVATE]) await server.activate(id);
				for (const p of ['e2e-send', ...TRIGGER_WEBHOOKS, ...EXAMPLE_WEBHOOKS, ...OAUTH_WEBHOOKS, ...AGENT_WEBHOOKS]) await server.waitForWebhook(p);
				// Expected to fail (the credential has no webhook secret); checked at the end, see defineTriggerLateCases.
				noSecretActivation = await server.activate(TRIGGER_NO_SECRET_WF).then(
					(result) => ({ result }),
					(error) => ({ error }),
				);
				timings.activateViaApi = Date.now() - t2;
			}, 240000);

			it("n8n's own Webhook node receives a POST and the execution is readable over the public API", async () => {
				const r = await server.postWebhook('e2e-probe', { hello: 'world' });
				expect(r.status).toBe(200);
				const [exec] = await server.waitForExecutions('e2eWebhookProbe1', { count: 1 });
				expect(exec.status).toBe('success');
				expect(exec.mode).toBe('webhook');
				const received = exec.data.resultData.runData.Received[0].data.main[0][0].json;
				expect(received.body).toEqual({ hello: 'world' });
			});

			it('a webhook-started workflow sends an OTP through the SMS.CX node', async () => {
				const since = await lastSeq(standIn);
				const r = await server.postWebhook('e2e-send', { phone: '+33612345670' });
				expect(r.status).toBe(200);
				expect(r.body.otpId).toMatch(UUID);
				expect(r.body.status).toBe('PENDING');
				expect(await requestsSince(standIn, since, { method: 'POST', path: '/otp' })).toHaveLength(1);
				const [exec] = await server.waitForExecutions('e2eWebhookSend01', { count: 1 });
				expect(exec.status).toBe('success');
			});

			// Order matters a little: the OAuth cases come last because the 401 case moves the stand-in clock 700 s on.
			defineTriggerCases(ctx);
			defineExampleCases(ctx);
			defineAgentCases(ctx);
			defineOAuthCases(ctx);
			defineTriggerLateCases(ctx, () => noSecretActivation);
		});
	});
}

module.exports = { defineSuite, requestsSince, lastSeq, errorText };

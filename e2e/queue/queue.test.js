// The package in n8n 2.x queue mode: Postgres 17, Redis, main + 2 workers + 2 webhook processors, the SMS.CX
// stand-in in this process. Evidence: the stand-in's request log, executions and static data read from Postgres,
// and the workers' own record of which executions they ran. Figures go to .e2e/queue/figures.json.
'use strict';

const fs = require('fs');
const path = require('path');
const { randomUUID } = require('crypto');
const { PACK_DIR, SCRATCH, ROOT } = require('../lib/paths');
const { startInProcess } = require('../lib/standin');
const { e2eCredentials, workflow, triggerPath, OAUTH_CLIENTS, WEBHOOK_SECRET, CREDS } = require('../lib/fixtures');
const { createOtp, verifyOtp, callbackBody } = require('../lib/helpers');
const { sleep, waitFor } = require('../lib/proc');
const { Cluster, installed } = require('./cluster');

const { callbackKey } = require(path.join(ROOT, 'dist', 'nodes', 'SmscxOtpTrigger', 'duplicates.js'));

const STAND_IN_OAUTH = [
	{ applicationId: 'sandbox-app-id', applicationSecret: 'sandbox-app-secret', scopes: null, tokenLifetimeSeconds: 86400 },
	OAUTH_CLIENTS.short,
	OAUTH_CLIENTS.long,
];
const AUTHS = { apiKey: 'q-apikey', accessToken: 'q-token', oauthLong: 'q-oauth' };
const SIGNUP_ID = (auth) => `qSignup${auth}`.padEnd(16, '0').slice(0, 16);
const TRIGGER = { all: 'e2eTriggerAll001', verified: 'e2eTriggerVerif1' };
const TOKEN = `?token=${WEBHOOK_SECRET}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const figures = { date: new Date().toISOString().slice(0, 10) };
const note = (key, value) => {
	figures[key] = value;
	process.stderr.write(`[e2e queue] ${key}: ${JSON.stringify(value)}\n`);
};

function signupWorkflow(auth) {
	return workflow(path.join(__dirname, 'workflows', 'signup.json'), {
		auth,
		id: SIGNUP_ID(auth),
		extra: { PATH: AUTHS[auth], HOOK_SEND: randomUUID(), HOOK_VERIFY: randomUUID() },
	});
}

const missing = installed();
const d = missing.length ? describe.skip : describe;
if (missing.length) process.stderr.write(`[e2e queue] skipped, not installed: ${missing.join(', ')} (run e2e/setup.sh queue)\n`);

d('n8n 2.x in queue mode (Postgres 17, Redis, main + 2 workers + 2 webhook processors)', () => {
	let cluster;
	let standIn;
	const suiteStart = Date.now();

	/** Executions of a workflow in Postgres, oldest first: { id, status, data } (data: the stored run data text). */
	async function executions(workflowId) {
		return cluster.sql(
			`SELECT e.id::text AS id, e.status, e.mode, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
			 WHERE e."workflowId" = $1 ORDER BY e.id`,
			{ params: [workflowId] },
		);
	}

	/** Waits until every execution of the workflow has finished and no new one appeared for `quietMs`. */
	async function settled(workflowId, { quietMs = 1500, timeoutMs = 120000 } = {}) {
		let last = -1;
		let since = Date.now();
		return waitFor(
			async () => {
				const list = await executions(workflowId);
				const done = list.every((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status));
				if (list.length !== last || !done) {
					last = list.length;
					since = Date.now();
					return false;
				}
				return Date.now() - since >= quietMs ? list : false;
			},
			{ timeoutMs, intervalMs: 300, what: `executions of ${workflowId} to settle` },
		);
	}

	const onWorkers = () => cluster.executionsByWorker();
	const ranOnWorker = (id) => onWorkers().findIndex((ids) => ids.includes(String(id)));

	async function requestsSince(since) {
		return (await standIn.requests()).filter((r) => r.seq > since);
	}
	async function lastSeq() {
		const all = await standIn.requests();
		return all.length ? all[all.length - 1].seq : 0;
	}

	beforeAll(async () => {
		const packed = JSON.parse(fs.readFileSync(path.join(PACK_DIR, 'packed.json'), 'utf8'));
		standIn = await startInProcess({ oauthClients: STAND_IN_OAUTH });
		cluster = new Cluster({ workers: 2, webhooks: 2, log: (m) => process.stderr.write(`[e2e queue] ${m}\n`) });
		const wfs = [...Object.keys(AUTHS).map(signupWorkflow), workflow('trigger-all'), workflow('trigger-verified')];
		await cluster.start({
			packed,
			credentials: e2eCredentials(standIn),
			workflows: wfs,
			publish: wfs.map((w) => w.id),
		});
		for (const w of wfs) {
			const hooks = w.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => n.parameters.path);
			for (const p of hooks) await cluster.waitForWebhook(p);
		}
		await cluster.waitForWebhook(triggerPath(wfs.find((w) => w.id === TRIGGER.all)));
		note('setup', {
			ms: cluster.timings,
			mainReadyMs: cluster.main.readyMs,
			workersReadyMs: cluster.workers.map((w) => w.readyMs),
			webhooksReadyMs: cluster.webhooks.map((w) => w.readyMs),
		});
	}, 900000);

	afterAll(async () => {
		if (cluster) await cluster.stop();
		if (standIn) await standIn.stop();
		note('suiteMs', Date.now() - suiteStart);
		fs.mkdirSync(path.join(SCRATCH, 'queue'), { recursive: true });
		fs.writeFileSync(path.join(SCRATCH, 'queue', 'figures.json'), JSON.stringify(figures, null, 2));
	}, 120000);

	describe('Send → Verify through webhooks, run on the workers', () => {
		it.each(Object.keys(AUTHS))('%s', async (auth) => {
			const since = await lastSeq();
			const sent = await cluster.post(`${AUTHS[auth]}-send`, { phone: '+33612345678' }, { via: 0 });
			expect(sent.status).toBe(200);
			expect(sent.body.otpId).toMatch(UUID);
			const pin = await standIn.pinOf(sent.body.otpId);
			const checked = await cluster.post(`${AUTHS[auth]}-verify`, { otpId: sent.body.otpId, pin }, { via: 1 });
			expect(checked.status).toBe(200);
			expect(checked.body).toMatchObject({ verified: true, otpId: sent.body.otpId, status: 'VERIFIED' });

			const runs = await settled(SIGNUP_ID(auth));
			expect(runs.map((e) => e.status)).toEqual(['success', 'success']);
			// Each ran on a worker (its log says so), none in the webhook processors or main.
			for (const e of runs) expect(ranOnWorker(e.id)).toBeGreaterThanOrEqual(0);

			// One paid send and one verify attempt (Verify may read the OTP back with a GET), all accepted.
			const api = (await requestsSince(since)).filter((r) => !r.path.startsWith('/oauth'));
			expect(api.filter((r) => r.method === 'POST').map((r) => `${r.path === '/otp' ? 'send' : 'verify'} ${r.status}`)).toEqual(['send 201', 'verify 200']);
			expect(api.filter((r) => r.status >= 300)).toEqual([]);
			expect(new Set(api.map((r) => r.auth))).toEqual(new Set([auth === 'apiKey' ? 'apiKey' : 'bearer']));
		});

		it('OAuth2: the token one worker fetched is reused by the other worker and by later executions', async () => {
			const tokenCalls = async () => (await standIn.requests()).filter((r) => r.path === '/oauth/token').length;
			const afterFirst = await tokenCalls();
			const ranOn = new Set();
			const round = async (r) => {
				const answers = await Promise.all(
					Array.from({ length: 6 }, (_, i) => cluster.post(`${AUTHS.oauthLong}-send`, { phone: `+3361234${r}${i}00` }, { via: i % 2 })),
				);
				for (const a of answers) expect(a.status).toBe(200);
				for (const e of await settled(SIGNUP_ID('oauthLong'))) {
					const w = ranOnWorker(e.id);
					if (w >= 0) ranOn.add(w);
				}
			};
			// Concurrent sign-ups until both workers have run one (Bull hands jobs to whichever worker is free).
			let rounds = 0;
			while (ranOn.size < 2 && rounds < 8) await round(++rounds);
			expect(ranOn.size).toBe(2);
			const withBothWorkers = await tokenCalls();
			// n8n saves the token with the credential: one token call in all, whichever worker fetched it
			expect(withBothWorkers).toBe(1);
			// Later executions, on both workers: no new token.
			await round(++rounds);
			await round(++rounds);
			expect(await tokenCalls()).toBe(withBothWorkers);
			note('oauth', {
				tokenCallsAfterFirstSendVerify: afterFirst,
				tokenCallsWithBothWorkers: withBothWorkers,
				executions: (await executions(SIGNUP_ID('oauthLong'))).length,
			});
		});
	});

	describe('the SMS.CX OTP Trigger through the webhook processors', () => {
		const trigger = () => triggerPath(workflow('trigger-all'));
		const verifiedOnly = () => triggerPath(workflow('trigger-verified'));

		it('wrong or missing token: 401 and nothing starts', async () => {
			const before = (await executions(TRIGGER.all)).length;
			const body = callbackBody([{}]);
			for (const via of [0, 1]) {
				expect((await cluster.post(trigger(), body, { via })).status).toBe(401);
				expect((await cluster.post(trigger(), body, { via, query: '?token=wrong' })).status).toBe(401);
			}
			expect(await settled(TRIGGER.all)).toHaveLength(before);
		});

		it('a real callback from SMS.CX (OTP verified) starts one execution on a worker', async () => {
			const before = (await executions(TRIGGER.all)).length;
			const url = `${cluster.webhooks[0].url}/webhook/${trigger()}${TOKEN}`;
			const otp = await createOtp(standIn, { otpCallbackUrl: url });
			await standIn.flushCallbacks();
			await verifyOtp(standIn, otp.otpId);
			await standIn.flushCallbacks();
			const runs = (await settled(TRIGGER.all)).slice(before);
			// PENDING (sent on create) and VERIFIED: one execution each
			expect(runs).toHaveLength(2);
			for (const e of runs) {
				expect(e.status).toBe('success');
				expect(e.data).toContain(otp.otpId);
				expect(ranOnWorker(e.id)).toBeGreaterThanOrEqual(0);
			}
			expect(runs.filter((e) => e.data.includes('"VERIFIED"'))).toHaveLength(1);
			const deliveries = (await standIn.callbacks()).filter((c) => c.otpIds.includes(otp.otpId));
			expect(deliveries.map((c) => [c.statuses.join(), c.httpStatus])).toEqual([['PENDING', 200], ['VERIFIED', 200]]);
		});

		it('Statuses filter: PENDING answered 200 and dropped, VERIFIED starts one execution', async () => {
			const before = (await executions(TRIGGER.verified)).length;
			const otpId = randomUUID();
			expect((await cluster.post(verifiedOnly(), callbackBody([{ otpId, status: 'PENDING' }]), { via: 1, query: TOKEN })).status).toBe(200);
			expect((await cluster.post(verifiedOnly(), callbackBody([{ otpId, status: 'VERIFIED' }]), { via: 1, query: TOKEN })).status).toBe(200);
			const runs = (await settled(TRIGGER.verified)).slice(before);
			expect(runs).toHaveLength(1);
			expect(runs[0].data).toContain('"VERIFIED"');
		});

		it('a batch of 3 entries: one execution', async () => {
			const before = (await executions(TRIGGER.all)).length;
			const ids = [randomUUID(), randomUUID(), randomUUID()];
			const r = await cluster.post(trigger(), callbackBody(ids.map((otpId) => ({ otpId }))), { via: 0, query: TOKEN });
			expect(r.status).toBe(200);
			const runs = (await settled(TRIGGER.all)).slice(before);
			expect(runs).toHaveLength(1);
			for (const id of ids) expect(runs[0].data).toContain(id);
		});
	});

	describe('duplicate callbacks', () => {
		const trigger = () => triggerPath(workflow('trigger-all'));
		const fresh = () => callbackBody([{ otpId: randomUUID(), status: 'VERIFIED' }]);
		const count = async (list, otpId) => list.filter((e) => e.data && e.data.includes(otpId)).length;
		const ROUNDS = 20;

		it('one webhook processor: exactly one execution per callback, however many copies arrive at once', async () => {
			const bodies = Array.from({ length: ROUNDS }, fresh);
			for (const body of bodies) {
				const answers = await Promise.all([0, 1, 2].map(() => cluster.post(trigger(), body, { via: 0, query: TOKEN })));
				expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
			}
			// and once more each, later
			for (const body of bodies) expect((await cluster.post(trigger(), body, { via: 0, query: TOKEN })).status).toBe(200);
			const list = await settled(TRIGGER.all);
			const perCallback = await Promise.all(bodies.map((b) => count(list, b.data[0].otpId)));
			expect(perCallback).toEqual(bodies.map(() => 1));
			note('duplicatesOneProcessor', { rounds: ROUNDS, copiesPerRound: 4, executions: perCallback.reduce((a, b) => a + b, 0) });
		});

		it('two webhook processors: measured (same moment; one right after the other; two different callbacks)', async () => {
			// The same callback at both processors at the same moment.
			const together = Array.from({ length: ROUNDS }, fresh);
			for (const body of together) {
				await Promise.all([0, 1].map((via) => cluster.post(trigger(), body, { via, query: TOKEN })));
			}
			// A retry at the other processor right after the first answer.
			const inTurn = Array.from({ length: ROUNDS }, fresh);
			for (const body of inTurn) {
				expect((await cluster.post(trigger(), body, { via: 0, query: TOKEN })).status).toBe(200);
				expect((await cluster.post(trigger(), body, { via: 1, query: TOKEN })).status).toBe(200);
			}
			// The same, with the second copy 1 s later (after n8n saved the static data).
			const later = Array.from({ length: 5 }, fresh);
			for (const body of later) {
				await cluster.post(trigger(), body, { via: 0, query: TOKEN });
				await sleep(1000);
				await cluster.post(trigger(), body, { via: 1, query: TOKEN });
			}
			const list = await settled(TRIGGER.all);
			const executionsFor = async (bodies) => Promise.all(bodies.map((b) => count(list, b.data[0].otpId)));
			const t = await executionsFor(together);
			const s = await executionsFor(inTurn);
			const l = await executionsFor(later);
			for (const n of [...t, ...s, ...l]) expect([1, 2]).toContain(n);
			// Copies that arrive after the first was saved are always caught.
			expect(l).toEqual(later.map(() => 1));

			// Two different callbacks at the two processors at once: is each key in the saved static data?
			const lost = [];
			for (let i = 0; i < 10; i++) {
				const a = fresh();
				const b = fresh();
				await Promise.all([cluster.post(trigger(), a, { via: 0, query: TOKEN }), cluster.post(trigger(), b, { via: 1, query: TOKEN })]);
				await settled(TRIGGER.all, { quietMs: 500 });
				const [row] = await cluster.sql(`SELECT "staticData"::text AS s FROM workflow_entity WHERE id = $1`, { params: [TRIGGER.all] });
				const saved = row.s || '';
				lost.push([a, b].filter((x) => !saved.includes(callbackKey(x.data[0]))).length);
			}
			const twice = (list) => list.filter((n) => n === 2).length;
			note('duplicatesTwoProcessors', {
				sameMoment: `${twice(t)} of ${ROUNDS} rounds started 2 executions`,
				rightAfterTheAnswer: `${twice(s)} of ${ROUNDS} rounds started 2 executions`,
				oneSecondLater: `${twice(l)} of ${later.length}`,
				differentCallbacksAtOnce: `${lost.filter((n) => n > 0).length} of 10 rounds lost a key from the saved static data`,
			});
		});

		it('static data stays small: hashed keys, not the callbacks', async () => {
			const [row] = await cluster.sql(`SELECT length("staticData"::text) AS n FROM workflow_entity WHERE id = $1`, { params: [TRIGGER.all] });
			expect(Number(row.n)).toBeLessThan(20 * 1024);
			note('staticDataBytes', Number(row.n));
		});
	});

	describe('a sign-up burst across both workers', () => {
		it('200 webhook sign-ups at 20 req/s, SMS.CX limit 20 req/s: all succeed, none charged twice', async () => {
			const N = 200;
			const LIMIT = 20;
			await standIn.configure({ rateLimit: { limit: LIMIT, windowSeconds: 1 } });
			await sleep(1100); // a fresh window
			const since = await lastSeq();
			const phones = Array.from({ length: N }, (_, i) => `+3361235${String(i).padStart(4, '0')}`);
			const t0 = Date.now();
			const answers = await Promise.all(
				phones.map(async (phone, i) => {
					await sleep(i * (1000 / LIMIT));
					return cluster.post(`${AUTHS.apiKey}-send`, { phone }, { via: i % 2, timeoutMs: 90000 });
				}),
			);
			const wallMs = Date.now() - t0;
			await standIn.configure({ rateLimit: { limit: 1000, windowSeconds: 1 } });

			// Every sign-up was sent exactly once, and its execution succeeded on a worker.
			const log = await requestsSince(since);
			const created = log.filter((r) => r.method === 'POST' && r.path === '/otp' && r.status === 201);
			const refused = log.filter((r) => r.status === 429);
			const perPhone = new Map();
			for (const r of created) perPhone.set(r.body.phoneNumber, (perPhone.get(r.body.phoneNumber) || 0) + 1);
			expect(perPhone.size).toBe(N);
			expect([...perPhone.values()].filter((n) => n > 1)).toEqual([]);
			const runs = (await settled(SIGNUP_ID('apiKey'))).slice(-N);
			expect(runs.filter((e) => e.status === 'success')).toHaveLength(N);
			const byWorker = onWorkers().map((ids) => runs.filter((e) => ids.includes(e.id)).length);
			expect(byWorker.reduce((a, b) => a + b, 0)).toBe(N);
			// The form's answer (the otpId): see the note on unanswered webhook calls in README "Scaling".
			const answered = answers.filter((a) => a.status === 200 && UUID.test(a.body && a.body.otpId)).length;
			expect(answers.filter((a) => !a.timedOut && !(a.status === 200 && UUID.test(a.body && a.body.otpId)))).toEqual([]);
			const lastSendMs = Math.max(...created.map((r) => r.at)) - t0;
			note('burst', {
				n: N,
				limitPerSecond: LIMIT,
				sent: perPhone.size,
				executionsSucceeded: runs.filter((e) => e.status === 'success').length,
				answered200: answered,
				unanswered: answers.filter((a) => a.timedOut).length,
				chargedTwice: created.length - perPhone.size,
				refused429: refused.length,
				lastSendMs,
				lastSendVsIdeal: Number((lastSendMs / ((N / LIMIT) * 1000)).toFixed(2)),
				wallMs,
				executionsPerWorker: byWorker,
			});
		});
	});

	describe('no secret in anything n8n stored', () => {
		it('every table in Postgres, and every process log', async () => {
			const secrets = [
				standIn.apiKey,
				standIn.accessToken,
				WEBHOOK_SECRET,
				OAUTH_CLIENTS.long.applicationSecret,
				OAUTH_CLIENTS.short.applicationSecret,
			];
			const issuedToken = /sxat_[A-Za-z0-9_-]{20,}/; // the stand-in's OAuth2 access tokens
			const tables = await cluster.sql(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
			let everything = '';
			for (const { t } of tables) {
				const rows = await cluster.sql(`SELECT x::text AS row FROM "${t}" x`);
				everything += rows.map((r) => r.row).join('\n');
			}
			expect(everything).toContain(CREDS.apiKey.name); // the credential is there, encrypted
			const stored = (await cluster.sql(`SELECT count(*)::int AS n FROM execution_data`))[0].n;
			expect(stored).toBeGreaterThan(250);
			const logs = cluster.allLogs();
			expect(logs).toContain('Worker started execution'); // the logs were read
			for (const s of secrets) {
				expect(everything.includes(s)).toBe(false);
				expect(logs.includes(s)).toBe(false);
			}
			expect(everything).not.toMatch(issuedToken);
			expect(logs).not.toMatch(issuedToken);
			note('storedExecutionsScanned', stored);
		});
	});
});

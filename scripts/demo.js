#!/usr/bin/env node
// `npm run demo`: real n8n 2.x with this package installed as a community package, wired to the SMS.CX
// stand-in, ready to click through in the browser. `npm run demo -- --headless`: the same setup, then
// send an OTP, read its PIN from the stand-in, verify it (and see the trigger receive VERIFIED), print, exit 0/1.
//
// First run: installs Node 24 + n8n 2.x (e2e/setup.sh 2, about 5 min). Later runs reuse everything and start
// in seconds: the user folder under .e2e/demo/ keeps its database; the package, credentials and workflows are
// re-imported only when they changed.
//
// Options: --headless   --port <n> (n8n, default 5678)   --stand-in-port <n> (default 4010)   --fresh (new user folder)
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { parseArgs } = require('util');

const { ROOT, SCRATCH, SETUP_SH, LOGS } = require('../e2e/lib/paths');
const { flavour } = require('../e2e/lib/flavours');
const { buildAndPack } = require('../e2e/lib/package');
const { N8n } = require('../e2e/lib/n8n');
const { startCli } = require('../e2e/lib/standin');
const { portInUse, freePort, waitFor } = require('../e2e/lib/proc');
const { OWNER_DEMO, pickOtpItems, nodeOutput, demoWorkflows, demoCredentials, triggerPathIn } = require('./demo-support');
const { startDemoModel, demoAgentChat } = require('../e2e/lib/model');


const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1).padStart(5);
const say = (m) => process.stdout.write(`[demo ${secs()}s] ${m}\n`);
const hash = (v) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

const DEMO_DIR = path.join(SCRATCH, 'demo');
const TRIGGER_DIST = path.join(ROOT, 'dist', 'nodes', 'SmscxOtpTrigger', 'SmscxOtpTrigger.node.js');

/** 1. Node 24 + n8n 2.x, from the lockfiles (a no-op when present). */
function ensureInstalled(log) {
	if (flavour('2').installed()) return;
	log('first run: installing n8n 2.x and the Node 24 it needs, inside this clone (e2e/setup.sh 2, about 5 minutes; your Node stays as it is) ...');
	const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
	const r = spawnSync('bash', [SETUP_SH, '2'], { stdio: 'inherit', env });
	if (r.status !== 0) throw new Error('e2e/setup.sh 2 failed (see the lines above and .e2e/logs/setup-*.log)');
}

/** The trigger's webhook path suffix, read from the built node (undefined while the package has no trigger). */
function triggerWebhookSuffix() {
	const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const listed = (manifest.n8n.nodes || []).some((n) => n.includes('SmscxOtpTrigger'));
	if (!listed || !fs.existsSync(TRIGGER_DIST)) return undefined;
	const { SmscxOtpTrigger } = require(TRIGGER_DIST);
	return new SmscxOtpTrigger().description.webhooks[0].path;
}

/** Newest modification time among the files `npm run build` reads. */
function newestSourceMtime() {
	let newest = 0;
	const walk = (p) => {
		if (!fs.existsSync(p)) return;
		const st = fs.statSync(p);
		if (st.isDirectory()) for (const f of fs.readdirSync(p)) walk(path.join(p, f));
		else newest = Math.max(newest, st.mtimeMs);
	};
	for (const p of ['nodes', 'credentials', 'icons', 'package.json', 'tsconfig.json', 'gulpfile.js']) walk(path.join(ROOT, p));
	return newest;
}

function readState(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return {};
	}
}

/**
 * Everything `npm run demo` sets up, reusable by the browser suite (e2e/ui): Node 24 + n8n 2.x, the package built
 * and installed, the stand-in, the credentials and workflows, n8n started with the examples published.
 * @param {object} o
 * @param {string} o.userFolder    n8n user folder (kept between runs unless fresh)
 * @param {number} [o.port]        n8n port (taken: a free one)
 * @param {number} [o.standInPort] stand-in port (taken or 0: a free one)
 * @param {boolean} [o.fresh]      start from an empty user folder
 * @param {(standIn) => object[]} [o.extraCredentials]  more credentials to import (the browser suite's broken ones)
 * @param {(standInUrl) => object[]} [o.extraWorkflows] more workflows to import
 * @param {(m: string) => void} [o.log]
 */
async function setUp({ userFolder, port: wantedPort = 5678, standInPort: wantedStandInPort = 4010, fresh = false, extraCredentials, extraWorkflows, log = say }) {
	ensureInstalled(log);
	const stateFile = `${userFolder}-state.json`;
	if (fresh) {
		fs.rmSync(userFolder, { recursive: true, force: true });
		fs.rmSync(stateFile, { force: true });
	}
	const state = readState(stateFile);
	if (!fs.existsSync(path.join(userFolder, '.n8n', 'database.sqlite'))) for (const k of Object.keys(state)) delete state[k];
	fs.mkdirSync(userFolder, { recursive: true });
	fs.mkdirSync(LOGS, { recursive: true });
	const saveState = () => fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));

	// 2. Build, pack, install into <user folder>/.n8n/nodes (skipped when the tarball did not change).
	const sources = newestSourceMtime();
	const buildStamp = path.join(DEMO_DIR, 'build-stamp.json');
	fs.mkdirSync(DEMO_DIR, { recursive: true });
	const skipBuild = fs.existsSync(path.join(ROOT, 'dist')) && readState(buildStamp).sources === sources;
	log(skipBuild ? 'sources unchanged since the last demo build: packing dist/ as is ...' : 'building and packing n8n-nodes-smscx ...');
	const packed = await buildAndPack({ log: (m) => log(m.trim()), skipBuild });
	fs.writeFileSync(buildStamp, JSON.stringify({ sources }));
	const n8n = new N8n({ flavour: '2', userFolder, log: (m) => log(m.trim()) });
	if (state.packageSha !== packed.sha) {
		const { installInto } = require('../e2e/lib/package');
		await installInto(userFolder, packed, { log: (m) => log(m.trim()) });
		state.packageSha = packed.sha;
		saveState();
		log(`installed ${packed.name}@${packed.version} into ${path.relative(ROOT, userFolder)}/.n8n/nodes`);
	}

	// 3. The stand-in, as its own process (port 4010 unless taken).
	let standInPort = wantedStandInPort;
	if (!standInPort || (await portInUse(standInPort))) {
		if (standInPort) log(`port ${standInPort} is taken; the stand-in uses another`);
		standInPort = await freePort();
	}
	const standIn = await startCli({ port: standInPort, logFile: path.join(LOGS, `${path.basename(userFolder)}-stand-in.log`) });
	log(`SMS.CX stand-in on ${standIn.url}`);
	const agentModel = await startDemoModel();
	log(`scripted AI model (OpenAI-compatible) on ${agentModel.model.url}`);
	const cleanup = async () => {
		await n8n.stop().catch(() => {});
		await standIn.stop().catch(() => {});
		await agentModel.stop().catch(() => {});
	};

	try {
		// 4. Credentials and workflows, re-imported only when they changed.
		if (!state.webhookSecret) state.webhookSecret = crypto.randomBytes(24).toString('hex');
		const creds = [
			...demoCredentials(standIn, { webhookSecret: state.webhookSecret }),
			agentModel.credential,
			...(extraCredentials ? extraCredentials(standIn) : []),
		];
		if (state.credsHash !== hash(creds)) {
			log(`importing ${creds.length} SMS.CX credentials (pointing at the stand-in) ...`);
			await n8n.importCredentials(creds);
			state.credsHash = hash(creds);
			saveState();
		}
		// Fixed ports keep the imported workflows (their callback URL) unchanged from run to run.
		let port = wantedPort;
		if (!port || (await portInUse(port))) {
			if (port) log(`port ${port} is taken; n8n uses another`);
			port = await freePort();
		}
		const base = `http://127.0.0.1:${port}`;
		const suffix = triggerWebhookSuffix();
		const { workflows: demoSet, examples } = demoWorkflows(standIn.url);
		const workflows = [...demoSet, ...(extraWorkflows ? extraWorkflows(standIn.url) : [])];
		if (state.workflowsHash !== hash(workflows)) {
			log(`importing ${workflows.length} workflows (the examples/ folder and "every operation") ...`);
			await n8n.importWorkflows(workflows);
			state.workflowsHash = hash(workflows);
			saveState();
		}
		const triggerEx = suffix ? examples['otp-status-trigger'] : undefined;
		const triggerPath = triggerPathIn(triggerEx, suffix);
		const triggerUrl = triggerPath ? `${base}/webhook/${triggerPath}` : undefined;
		if (triggerUrl) {
			// As a user would paste it into the SMS.CX dashboard: every OTP reports to the trigger example, with the
			// token. (A Callback URL given with the request, like the Wait example's, wins over this default.)
			await standIn.configure({ defaults: { otpCallbackUrl: `${triggerUrl}?token=${state.webhookSecret}` } });
		}

		// 5. n8n itself.
		log(`starting n8n ${n8n.fl.version()} on ${base} (log: ${path.relative(ROOT, path.join(userFolder, 'n8n-server.log'))}) ...`);
		const server = await n8n.start({ port });
		log(`n8n is up (${(server.readyMs / 1000).toFixed(1)} s after start)`);
		await server.ensureOwner(OWNER_DEMO);
		const offered = (await server.editorNodeTypes()).filter((t) => t.startsWith('n8n-nodes-smscx.'));
		log(`the editor offers: ${offered.join(', ') || 'NO SMS.CX node (the package did not load: see the n8n log)'}`);
		if (!offered.length) throw new Error('n8n did not load n8n-nodes-smscx');
		// Every file in examples/ (the trigger example only once the trigger is built), counted, never listed by hand.
		const published = Object.values(examples).filter((wf) => wf !== examples['otp-status-trigger'] || triggerEx);
		for (const wf of published) await server.activate(wf.id);
		const hooks = published.flatMap((wf) => wf.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => n.parameters.path));
		for (const p of hooks) await server.waitForWebhook(p);
		if (triggerPath) await server.waitForWebhook(triggerPath);
		log(`published: the ${published.length} example workflows of examples/`);
		return { n8n, server, standIn, base, examples, published, triggerEx, triggerUrl, cleanup };
	} catch (e) {
		await cleanup();
		throw e;
	}
}

async function main() {
	const { values: args } = parseArgs({
		options: {
			headless: { type: 'boolean', default: false },
			port: { type: 'string' },
			'stand-in-port': { type: 'string' },
			fresh: { type: 'boolean', default: false },
		},
	});
	const env = await setUp({
		userFolder: path.join(DEMO_DIR, args.headless ? 'headless' : 'user'),
		port: Number(args.port || (args.headless ? 5699 : 5678)),
		standInPort: Number(args['stand-in-port'] || 4010),
		fresh: args.fresh,
	});
	const { server, standIn, base, examples, published, triggerEx, triggerUrl, cleanup } = env;
	let stopping = false;
	const onSignal = () => {
		stopping = true;
		say('stopping n8n and the stand-in ...');
		cleanup().then(() => {
			say('stopped');
			process.exit(0);
		});
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	try {
		if (args.headless) {
			const ok = await headless({
				server,
				standIn,
				triggerWf: triggerEx,
				waitWf: examples['phone-verification-wait'],
				agentWf: examples['ai-agent-phone-verification'],
			});
			await cleanup();
			process.exit(ok ? 0 : 1);
		}
		printInstructions({ base, standIn, triggerUrl, published: published.length });
		await new Promise((resolve) => server.child.once('exit', resolve));
		if (stopping) return; // Ctrl+C: the signal handler finishes the cleanup and exits 0
		say(`n8n exited unexpectedly (${JSON.stringify(server.exited)}); see ${path.relative(ROOT, server.logFile)}`);
		await cleanup();
		process.exit(1);
	} catch (e) {
		await cleanup();
		throw e;
	}
}

/**
 * The flagship flow on the example workflows: start (Send) → PIN from the stand-in → check (Verify) → the trigger
 * example receives VERIFIED and "activates the account"; then the same with the Wait-node example.
 */
async function headless({ server, standIn, triggerWf, waitWf, agentWf }) {
	const results = [];
	const check = (label, ok, detail = '') => {
		results.push(ok);
		say(`${ok ? 'PASS' : 'FAIL'}  ${label}${detail ? `: ${detail}` : ''}`);
	};
	const uuid = /^[0-9a-f-]{36}$/;
	const sent = await server.postWebhook('smscx/verify/start', { phone: '+33612345678' });
	const otp = sent.body || {};
	check('send a PIN (POST /webhook/smscx/verify/start)', sent.status === 200 && uuid.test(otp.otpId || ''), `HTTP ${sent.status}, ${JSON.stringify(sent.body)}`);
	if (!otp.otpId) return false;
	const pin = await standIn.pinOf(otp.otpId);
	check('read the PIN from the stand-in (/__control/otps/:otpId)', typeof pin === 'string' && pin.length > 0, `${String(pin).length} characters`);
	const verified = await server.postWebhook('smscx/verify/check', { otpId: otp.otpId, pin });
	check('check the PIN (POST /webhook/smscx/verify/check)', verified.status === 200 && verified.body && verified.body.verified === true, `HTTP ${verified.status}, ${JSON.stringify(verified.body)}`);
	if (triggerWf) {
		await standIn.flushCallbacks();
		const seen = await waitFor(
			async () => {
				for (const e of (await server.executions(triggerWf.id)).filter((x) => x.status === 'success')) {
					const full = await server.execution(e.id);
					if (pickOtpItems(full).some((i) => i.otpId === otp.otpId && i.status === 'VERIFIED')) return full;
				}
				return false;
			},
			{ timeoutMs: 20000, intervalMs: 500, what: 'a trigger execution with status VERIFIED' },
		).catch((e) => e);
		const activated = seen instanceof Error ? undefined : nodeOutput(seen, 'Activate account (your step)');
		check(
			'the SMS.CX OTP Trigger example received VERIFIED and ran "Activate account"',
			Boolean(activated && activated[0] && activated[0].otpId === otp.otpId),
			seen instanceof Error ? seen.message : JSON.stringify(activated),
		);
	} else {
		say('SKIP  trigger: the package has no built SMS.CX OTP Trigger yet');
	}
	if (waitWf) {
		const start = await server.postWebhook('smscx/wait/start', { phone: '+447700900123' });
		const otpId = start.body && start.body.otpId;
		check('Wait example: send a PIN (POST /webhook/smscx/wait/start)', start.status === 200 && uuid.test(otpId || ''), `HTTP ${start.status}`);
		if (otpId) {
			const resumeUrl = (await standIn.otp(otpId)).otpCallbackUrl || '';
			const execId = (resumeUrl.match(/\/webhook-waiting\/(\d+)/) || [])[1];
			await standIn.flushCallbacks();
			const waiting = await server
				.waitForExecutionById(execId, { match: (e) => e.status === 'waiting', timeoutMs: 20000 })
				.catch((e) => e);
			const checked = await server.postWebhook('smscx/wait/check', { otpId, pin: await standIn.pinOf(otpId) });
			await standIn.flushCallbacks();
			const done = await server
				.waitForExecutionById(execId, { match: (e) => e.status === 'success' || e.status === 'error', timeoutMs: 20000 })
				.catch((e) => e);
			const activated = done instanceof Error ? undefined : nodeOutput(done, 'Activate account (your step)');
			check(
				'Wait example: the execution waited, the VERIFIED callback resumed it into "Activate account"',
				!(waiting instanceof Error) && checked.status === 200 && Boolean(activated && activated[0] && activated[0].otpId === otpId),
				done instanceof Error ? done.message : `execution ${execId}: ${JSON.stringify(activated)}`,
			);
		}
	}
	if (agentWf) {
		const chat = await demoAgentChat({ server, standIn, wf: agentWf });
		check('AI example: the chat agent sent a code and verified it (scripted model)', chat.ok, chat.detail);
	}
	const ok = results.every(Boolean);
	say(ok ? 'headless demo passed' : 'headless demo FAILED');
	return ok;
}

function printInstructions({ base, standIn, triggerUrl, published }) {
	const json = "-H 'content-type: application/json'";
	const lines = [
		'',
		'================================================================================',
		` n8n with n8n-nodes-smscx is running: ${base}`,
		'================================================================================',
		` 1. Open ${base} and sign in:`,
		`      email     ${OWNER_DEMO.email}`,
		`      password  ${OWNER_DEMO.password}      (a local demo account)`,
		` 2. Click first: open ${base}/workflow/smscxDemoEveryOp ("SMS.CX demo: every operation")`,
		'    and click the orange "Execute workflow" button at the bottom: every node turns green.',
		'    Double-click "Verify" (verified: true) and "Verify wrong PIN" (verified: false, code 2029)',
		'    to see their output; "Send" shows the OTP object.',
		`    Everything talks to the SMS.CX stand-in ${standIn.url}: no real SMS, nothing charged.`,
		'    Overview → Credentials has three ready SMS.CX credentials (API key, access token, OAuth2): open one',
		`    and n8n tests it. The ${published} example workflows from examples/ are imported and published.`,
		' 3. Verify a phone number (examples/phone-verification-webhooks.json):',
		`      curl -s -X POST ${base}/webhook/smscx/verify/start ${json} -d '{"phone":"+33612345678"}'`,
		`      curl -s ${standIn.url}/__control/otps/<otpId>            # the stand-in shows the PIN ("pin")`,
		`      curl -s -X POST ${base}/webhook/smscx/verify/check ${json} -d '{"otpId":"<otpId>","pin":"<pin>"}'`,
		triggerUrl
			? '    The stand-in reports every OTP to the trigger example (as if its URL were pasted into the SMS.CX dashboard):\n' +
				'    open "SMS.CX: react to OTP status callbacks (trigger)" → Executions to see the VERIFIED one.'
			: '    (The SMS.CX OTP Trigger is not built yet: no callback workflow.)',
		' 4. The same with the Wait node (examples/phone-verification-wait.json): .../smscx/wait/start, then',
		'    .../smscx/wait/check with the PIN; the waiting execution resumes on the VERIFIED callback.',
		' 5. Clean-up (examples/cancel-pending-otps.json): POST {"otpId":"…","cancelAfterMinutes":1} to',
		'    .../smscx/cleanup/watch; one minute later that execution cancels the OTP if it is still pending.',
		' 6. AI agent (examples/ai-agent-phone-verification.json): open "SMS.CX: an AI chat agent verifies a phone',
		'    number" → Open chat → type +33612345678, then the code from the stand-in. The model is a local scripted',
		'    one (e2e/lib/model.js), no OpenAI account needed.',
		`    Sent SMS (with PINs): ${standIn.url}/__control/messages   All OTPs: ${standIn.url}/__control/otps`,
		'',
		' Ctrl+C stops n8n and the stand-in. `npm run demo -- --fresh` starts from an empty n8n.',
		'================================================================================',
		'',
	];
	process.stdout.write(lines.join('\n'));
}

if (require.main === module) {
	main().catch((e) => {
		process.stderr.write(`[demo] failed: ${e.message}\n`);
		process.exit(1);
	});
}

module.exports = { setUp, OWNER_DEMO };

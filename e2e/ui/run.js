#!/usr/bin/env node
// `npm run e2e:ui`: what a user sees in n8n's editor, checked in headless Debian Chromium (playwright-core).
// Sets up the demo (scripts/demo.js: n8n 2.41.1, the package, the stand-in, the example workflows) in a fresh user
// folder on free ports, plus two broken credentials and a validation workflow; runs e2e/ui/checks.js; prints one
// line per check and the suite time; exits 1 when a check failed. Screenshots: .e2e/ui/shots/.
//
// Options: --screenshots <dir>  also copy the screenshots the docs use there (docs/screenshots)
//          --only <text>        run only the checks whose name contains <text> (set-up still runs)
//          --watch              (writing checks) keep n8n up; each time .e2e/ui/rerun appears, run again the checks
//                               whose name contains its text, with checks.js reloaded
'use strict';

const fs = require('fs');
const path = require('path');
const { parseArgs } = require('util');
const { spawnSync } = require('child_process');

const { ROOT, SCRATCH: SCRATCH_DIR } = require('../lib/paths');
const { workflow } = require('../lib/fixtures');
const { setUp, OWNER_DEMO } = require('../../scripts/demo');
const { demoCredentials, DEMO_OAUTH } = require('../../scripts/demo-support');
const { launch, signedInPage, shot: takeShot } = require('./browser');
const { EVERY_OP, VALIDATION, SCRATCH, builtDescription } = require('./checks');

// The screenshots README.md and docs/ show (copied by --screenshots).
const DOC_SHOTS = ['verification-workflow-execution', 'send-panel', 'verify-false-output', 'trigger-panel', 'icons'];

const { values: args } = parseArgs({
	options: { screenshots: { type: 'string' }, only: { type: 'string' }, watch: { type: 'boolean', default: false } },
});

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const say = (m) => process.stdout.write(`[e2e:ui ${secs().padStart(5)}s] ${m}\n`);

const UI_DIR = path.join(SCRATCH_DIR, 'ui');
const SHOTS = path.join(UI_DIR, 'shots');

// Broken credentials for the Test checks: a wrong API key, the stand-in's OAuth2 application with a wrong secret.
const BROKEN = {
	badKey: { id: 'smscxUiBadKey001', name: 'SMS.CX stand-in (wrong API key)' },
	oauthBad: { id: 'smscxUiBadOAuth1', name: 'SMS.CX stand-in (OAuth2, wrong secret)' },
};

function brokenCredentials(standIn) {
	return [
		{ ...BROKEN.badKey, type: 'smscxApi', data: { authType: 'apiKey', apiKey: 'not-a-valid-api-key', baseUrl: standIn.url, webhookSecret: '' } },
		{
			...BROKEN.oauthBad,
			type: 'smscxApi',
			data: { authType: 'oAuth2ClientCredentials', applicationId: standIn.applicationId, applicationSecret: 'not-the-secret-000', scope: '', baseUrl: standIn.url, webhookSecret: '' },
		},
	];
}

async function runChecks(ctx, results, only) {
	const { CHECKS } = require('./checks');
	for (const check of CHECKS) {
		if (only && !only.split('|').some((o) => check.name.includes(o))) continue;
		const started = Date.now();
		try {
			await check.run(ctx);
			results.push({ check, ok: true });
		} catch (e) {
			results.push({ check, ok: false, error: e });
			await takeShot(ctx.page, SHOTS, `FAILED-${results.length}`).catch(() => {});
		}
		const r = results[results.length - 1];
		const tag = check.defect ? ` [issue 13, defect ${check.defect}]` : '';
		say(`${r.ok ? 'PASS' : 'FAIL'}  ${check.name}${tag} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
		if (!r.ok) process.stdout.write(`        ${String(r.error.message).split('\n').slice(0, 8).join('\n        ')}\n`);
		await ctx.page.keyboard.press('Escape').catch(() => {});
	}
}

async function main() {
	const ensure = spawnSync('bash', [path.join(ROOT, 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
	if (ensure.status !== 0) throw new Error('scripts/ensure-chromium.sh failed');
	fs.rmSync(SHOTS, { recursive: true, force: true });
	const validation = (url) => Object.assign(workflow('validation', { standInUrl: url, id: VALIDATION }), { name: 'SMS.CX UI check: TTL 5 is refused' });
	const env = await setUp({
		userFolder: path.join(UI_DIR, 'user'),
		port: 0,
		standInPort: 0,
		fresh: true,
		extraCredentials: brokenCredentials,
		extraWorkflows: (url) => [
			validation(url),
			...Object.values(SCRATCH).map((id) => Object.assign(workflow('operations', { standInUrl: url, id }), { name: `SMS.CX UI check: scratch copy ${id}` })),
		],
		log: say,
	});
	const setupSecs = secs();
	let browser;
	const onSignal = () => {
		Promise.resolve(browser && browser.close())
			.catch(() => {})
			.then(() => env.cleanup())
			.then(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	const results = [];
	try {
		browser = await launch();
		const page = await signedInPage(browser, { base: env.base, owner: OWNER_DEMO });
		const darkPage = await signedInPage(browser, { base: env.base, owner: OWNER_DEMO, theme: 'dark' });
		const op = builtDescription('SmscxOtp/SmscxOtp.node.js', 'SmscxOtp');
		const creds = Object.fromEntries(demoCredentials(env.standIn, { webhookSecret: 'x' }).map((c) => [c.id === DEMO_OAUTH.id ? 'oauth2' : c.data.authType, c.name]));
		const ctx = {
			page,
			darkPage,
			base: env.base,
			server: env.server,
			standIn: env.standIn,
			examples: env.examples,
			opDescription: op.description,
			opOperations: op.properties.find((p) => p.name === 'operation').options,
			creds: { apiKey: creds.apiKey, accessToken: creds.accessToken, oauth2: creds.oauth2, badKey: BROKEN.badKey.name, oauthBad: BROKEN.oauthBad.name },
			wf: { [EVERY_OP]: workflow('operations', { standInUrl: env.standIn.url, id: EVERY_OP }) },
			ui: {},
			note: (m) => process.stdout.write(`        ${m}\n`),
			shot: (target, name) => takeShot(target, SHOTS, name),
		};
		say(`set-up done in ${setupSecs} s; Chromium ${browser.version()}`);
		await runChecks(ctx, results, args.only);
		while (args.watch) {
			const rerun = path.join(UI_DIR, 'rerun');
			while (!fs.existsSync(rerun)) await new Promise((r) => setTimeout(r, 500));
			const only = fs.readFileSync(rerun, 'utf8').trim();
			fs.rmSync(rerun);
			delete require.cache[require.resolve('./checks')];
			delete require.cache[require.resolve('./browser')];
			results.length = 0;
			await runChecks(ctx, results, only);
		}
	} finally {
		if (browser) await browser.close().catch(() => {});
		await env.cleanup();
	}
	if (args.screenshots) {
		fs.mkdirSync(path.resolve(args.screenshots), { recursive: true });
		for (const name of DOC_SHOTS) {
			const from = path.join(SHOTS, `${name}.png`);
			if (fs.existsSync(from)) fs.copyFileSync(from, path.join(path.resolve(args.screenshots), `${name}.png`));
		}
		say(`copied ${DOC_SHOTS.length} screenshots to ${args.screenshots}`);
	}
	const failed = results.filter((r) => !r.ok).length;
	say(`screenshots: ${path.relative(ROOT, SHOTS)}/`);
	say(`${results.length - failed} passed, ${failed} failed; suite time ${secs()} s (set-up ${setupSecs} s)`);
	process.exit(failed ? 1 : 0);
}

main().catch((e) => {
	process.stderr.write(`[e2e:ui] failed: ${e.stack || e.message}\n`);
	process.exit(1);
});

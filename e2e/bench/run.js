#!/usr/bin/env node
// npm run bench: the SMS.CX OTP node against n8n's own HTTP Request node, in real n8n 2.x (e2e/n8n2, Node 24),
// the packed package installed as a community package, against the SMS.CX stand-in in this process.
// Prints figures; asserts nothing about time. See docs/benchmark.md.
//
//   node e2e/bench/run.js [--n 200] [--limit 20] [--window 1] [--nolimit-n 1000] [--memory-n 10000]
//                         [--latency 5] [--skip-rate] [--skip-nolimit] [--skip-memory] [--skip-build]
//                         [--only ours,http,http-retry,http-batch,http-continue] [--keep]
//                         [--skip-signups | --signups-only] [--bursts 200/20,60/5] [--oauth-n 60] [--bulk-n 2000] [--signups 50]
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { SCRATCH } = require('../lib/paths');
const { flavour: getFlavour } = require('../lib/flavours');
const { N8n } = require('../lib/n8n');
const { buildAndPack } = require('../lib/package');
const { startBenchStandIn } = require('./standin');
const { benchCredentials, benchWorkflow, HTTP_REQUEST_VERSION } = require('./workflows');
const { executeMeasured, peakBetween } = require('./measure');
const { runSignups, signupTables, parseSignupArgs } = require('./signups');

const OUT_DIR = path.join(SCRATCH, 'bench');
const NO_LIMIT = 1000000; // requests per window: "no limit" (the stand-in's own default is 1000/s)

const CONTENDERS = {
	ours: 'SMS.CX OTP node (defaults: concurrency 5)',
	'ours-noguard': 'SMS.CX OTP node, Fraud Guard off',
	http: `HTTP Request ${HTTP_REQUEST_VERSION} (defaults)`,
	'http-continue': 'HTTP Request, On Error: Continue',
	'http-retry': 'HTTP Request, Retry On Fail (3 tries, 1 s)',
	'http-batch': 'HTTP Request, batching = the limit (tuned)',
	noop: 'NoOp (n8n moving the items, no calls)',
};

function parseArgs(argv) {
	const o = {
		n: 200,
		limit: 20,
		window: 1,
		nolimitN: 1000,
		memoryN: 10000,
		latency: 5,
		skipRate: false,
		skipNolimit: false,
		skipMemory: false,
		skipBuild: false,
		keep: false,
		only: null,
		skipSignups: false,
		signupArgs: [],
	};
	const signupKeys = ['--bursts', '--oauth-n', '--bulk-n', '--signups'];
	const numeric = { '--n': 'n', '--limit': 'limit', '--window': 'window', '--nolimit-n': 'nolimitN', '--memory-n': 'memoryN', '--latency': 'latency' };
	const flags = { '--skip-rate': 'skipRate', '--skip-nolimit': 'skipNolimit', '--skip-memory': 'skipMemory', '--skip-build': 'skipBuild', '--keep': 'keep' };
	for (let i = 0; i < argv.length; i++) {
		const [key, inline] = argv[i].split('=');
		const value = () => (inline !== undefined ? inline : argv[++i]);
		if (numeric[key]) {
			const v = Number(value());
			if (!Number.isFinite(v) || v < 0) throw new Error(`${key} needs a number`);
			o[numeric[key]] = v;
		} else if (flags[key]) o[flags[key]] = true;
		else if (key === '--only') o.only = value().split(',').filter(Boolean);
		else if (key === '--skip-signups') o.skipSignups = true;
		else if (key === '--signups-only') Object.assign(o, { skipRate: true, skipNolimit: true, skipMemory: true });
		else if (signupKeys.includes(key)) o.signupArgs.push(key, value());
		else if (key === '--help' || key === '-h') {
			console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 9).join('\n'));
			process.exit(0);
		} else throw new Error(`unknown argument ${argv[i]} (try --help)`);
	}
	if (o.only) for (const c of o.only) if (!CONTENDERS[c]) throw new Error(`--only: unknown contender ${c}`);
	return o;
}

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const sec = (ms) => (ms === null || ms === undefined ? '-' : (ms / 1000).toFixed(2));
const mb = (kb) => (kb ? (kb / 1024).toFixed(0) : '-');

/** The plan: scenarios, each with its contenders; a workflow per (scenario, contender). */
function plan(o) {
	const want = (c) => !o.only || o.only.includes(c) || c === 'noop';
	const scenarios = [];
	const rated = ['ours', 'http', 'http-continue', 'http-retry', 'http-batch'].filter(want);
	if (!o.skipRate) {
		for (const work of ['status', 'send']) {
			scenarios.push({
				key: `rate-${work}`,
				title: `${o.n} ${work === 'status' ? 'status checks (GET /otp/{id})' : 'sends (POST /otp)'} at ${o.limit} req/${o.window} s`,
				work,
				n: o.n,
				limit: o.limit,
				windowSeconds: o.window,
				idealMs: (o.n / o.limit) * o.window * 1000,
				contenders: rated,
			});
		}
	}
	if (!o.skipNolimit) {
		scenarios.push({
			key: 'nolimit-status',
			title: `${o.nolimitN} status checks, no rate limit`,
			work: 'status',
			n: o.nolimitN,
			limit: NO_LIMIT,
			windowSeconds: 1,
			idealMs: null,
			contenders: ['ours', 'http'].filter(want),
		});
	}
	if (!o.skipMemory) {
		scenarios.push({
			key: 'memory-send',
			title: `memory: ${o.memoryN} sends, no rate limit`,
			work: 'send',
			n: o.memoryN,
			limit: NO_LIMIT,
			windowSeconds: 1,
			idealMs: null,
			memory: true,
			contenders: ['noop', 'ours-noguard', 'ours', 'http'].filter(want),
		});
	}
	let k = 0;
	for (const s of scenarios) {
		s.runs = s.contenders.map((kind) => ({ kind, id: `bench${String(++k).padStart(3, '0')}${kind.replace(/[^a-z]/g, '').slice(0, 8)}`.padEnd(16, '0').slice(0, 16) }));
	}
	return scenarios;
}

/**
 * The least time a fixed-window limit allows from `startMs` (windows aligned to wall-clock multiples, as the
 * stand-in's): `limit` requests now, `limit` more at each boundary; the last batch goes at the
 * (ceil(N/limit) - 1)-th boundary. Below N/limit whenever the run starts inside a window.
 */
function fixedWindowFloorMs(startMs, { n, limit, windowSeconds }) {
	const w = windowSeconds * 1000;
	const batches = Math.ceil(n / limit);
	return batches <= 1 ? 0 : (Math.floor(startMs / w) + batches - 1) * w - startMs;
}

/** Figures of one run: run data of "Contender" + the stand-in's request log (cleared before the run). */
function analyze(result, scenario, standIn) {
	const run = (result.runData.Contender || [])[0];
	const items = run && run.data && run.data.main ? run.data.main.flat().filter(Boolean) : [];
	const ok = items.filter((it) => !it.error && !(it.json && it.json.error !== undefined)).length;
	const nodeError = (run && run.error) || (result.error && result.error.node && result.error.node.name === 'Contender' ? result.error : undefined);
	const log = standIn.requests();
	const created = log.filter((e) => e.method === 'POST' && e.path === '/otp' && e.status === 201);
	const phones = new Set(created.map((e) => e.body && e.body.phoneNumber));
	return {
		status: result.status,
		timeMs: run ? run.executionTime : null,
		startTime: run ? run.startTime : null,
		ratio: scenario.idealMs && run ? run.executionTime / scenario.idealMs : null,
		floorMs: scenario.idealMs && run ? fixedWindowFloorMs(run.startTime, scenario) : null,
		outputItems: items.length,
		okItems: ok,
		failedItems: scenario.n - ok,
		nodeError: result.crashed || (nodeError ? String(nodeError.message || nodeError.description || 'error').slice(0, 120) : null),
		requests: log.length,
		accepted: log.filter((e) => e.status >= 200 && e.status < 300).length,
		r429: log.filter((e) => e.status === 429).length,
		otherErrors: log.filter((e) => e.status !== null && e.status !== 429 && (e.status < 200 || e.status >= 300)).length,
		unanswered: log.filter((e) => e.status === null).length,
		otpsCreated: created.length,
		duplicatePosts: created.length - phones.size,
		peakConcurrency: standIn.maxConcurrentRequests,
		cliMs: result.ms,
		mainPeakKb: result.mainPeakKb,
		nodePeakKb: run && result.timeline ? peakBetween(result.timeline, run.startTime, run.startTime + run.executionTime) : null,
		runnerPeakKb: result.runnerPeakKb,
	};
}

function table(headers, rows) {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
	return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(headers, rows) {
	return [`| ${headers.join(' | ')} |`, `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const SPEED_HEADERS = ['contender', 'node time s', '× ideal', 'window floor s', 'failed items', '429s', 'OTPs created', 'dup POST', 'requests', 'peak open', 'ours ÷ this', 'node error'];
const MEMORY_HEADERS = ['contender', 'items out', 'node time s', 'peak RSS while node ran MB', 'vs NoOp', 'peak RSS of run MB', 'vs NoOp', 'runner peak MB', 'failed items', 'dup POST', 'note'];

function rowsOf(scenario) {
	const ours = scenario.results.find((r) => r.kind === 'ours');
	if (scenario.memory) {
		const noop = scenario.results.find((r) => r.kind === 'noop');
		const delta = (kind, a, b) => (noop && kind !== 'noop' && a && b ? `${a >= b ? '+' : ''}${((a - b) / 1024).toFixed(0)}` : '-');
		return scenario.results.map(({ kind, f }) => [
			CONTENDERS[kind],
			f.outputItems,
			sec(f.timeMs),
			mb(f.nodePeakKb),
			delta(kind, f.nodePeakKb, noop && noop.f.nodePeakKb),
			mb(f.mainPeakKb),
			delta(kind, f.mainPeakKb, noop && noop.f.mainPeakKb),
			mb(f.runnerPeakKb),
			kind === 'noop' ? '-' : f.failedItems,
			kind === 'noop' ? '-' : f.duplicatePosts,
			f.nodeError || '',
		]);
	}
	return scenario.results.map(({ kind, f }) => [
		CONTENDERS[kind],
		sec(f.timeMs),
		f.ratio === null ? '-' : f.ratio.toFixed(3),
		f.floorMs === null ? '-' : sec(f.floorMs),
		f.failedItems,
		f.r429,
		scenario.work === 'send' ? f.otpsCreated : '-',
		scenario.work === 'send' ? f.duplicatePosts : '-',
		f.requests,
		f.peakConcurrency,
		ours && kind !== 'ours' && f.timeMs ? (ours.f.timeMs / f.timeMs).toFixed(2) : '-',
		f.nodeError ? f.nodeError.replace(/\|/g, '/').slice(0, 60) : '',
	]);
}

/** The Fraud Guard's cost on a run that has our node with and without it: throughput at the defaults ÷ off. */
function fraudGuardCost(scenario) {
	const timeOf = (kind) => scenario.results.find((r) => r.kind === kind)?.f.timeMs;
	const on = timeOf('ours');
	const off = timeOf('ours-noguard');
	if (!on || !off) return '';
	return `Fraud Guard at its defaults: node time ${sec(on)} s vs ${sec(off)} s off, throughput ratio ${(off / on).toFixed(3)} (one run each: noise included)`;
}

async function main() {
	const o = parseArgs(process.argv.slice(2));
	const fl = getFlavour('2');
	if (!fl.installed()) throw new Error(`${fl.label} is not installed: run bash e2e/setup.sh 2`);
	const scenarios = plan(o);
	if (!scenarios.length && o.skipSignups) throw new Error('nothing to run');
	const t0 = Date.now();
	fs.mkdirSync(OUT_DIR, { recursive: true });

	log(`n8n ${fl.version()} on Node 24 (${fl.label}); ${os.cpus().length} cores; stand-in latency ${o.latency} ms`);
	const packed = await buildAndPack({ skipBuild: o.skipBuild, log });

	if (scenarios.length) {
		const standIn = await startBenchStandIn({ latencyMs: 0, balance: 1e9, rateLimit: { limit: NO_LIMIT, windowSeconds: 1 } });
		let n8n;
		try {
			// N OTPs created beforehand, through the stand-in's API, for every status-check scenario.
			const statusN = Math.max(0, ...scenarios.filter((s) => s.work === 'status').map((s) => s.n));
			const otpIds = statusN ? await standIn.createOtps(statusN) : [];
			if (statusN) log(`created ${statusN} OTPs on the stand-in for the status checks`);

			const workflows = [];
			for (const s of scenarios) {
				for (const r of s.runs) {
					workflows.push(benchWorkflow({ id: r.id, name: `Bench ${s.key}: ${CONTENDERS[r.kind]}`, kind: r.kind, work: s.work, n: s.n, otpIds, url: standIn.url, limit: s.limit, windowSeconds: s.windowSeconds }));
				}
			}
			n8n = new N8n({ flavour: '2', name: 'bench-n8n2', log });
			await n8n.fresh(packed);
			await n8n.importCredentials(benchCredentials(standIn));
			await n8n.importWorkflows(workflows);
			log(`user folder ${n8n.userFolder}: package, 2 credentials, ${workflows.length} workflows imported`);

			for (const s of scenarios) {
				log(`scenario: ${s.title}`);
				s.results = [];
				for (const r of s.runs) {
					standIn.configure({ latencyMs: o.latency, rateLimit: { limit: s.limit, windowSeconds: s.windowSeconds } });
					standIn.clearLog();
					let result;
					try {
						result = await executeMeasured(n8n, r.id);
					} catch (e) {
						// e.g. the n8n process ran out of heap under BENCH_NODE_OPTIONS=--max-old-space-size=…: a figure too.
						const why = /heap out of memory/.test(e.message) ? 'JavaScript heap out of memory' : e.message.split('\n')[0];
						log(`  ${CONTENDERS[r.kind]}: the n8n process failed: ${why}`);
						result = { status: 'crashed', runData: {}, crashed: `n8n process died: ${why}`.slice(0, 120) };
					}
					const f = analyze(result, s, standIn);
					s.results.push({ kind: r.kind, f });
					log(
						`  ${CONTENDERS[r.kind]}: node ${sec(f.timeMs)} s (CLI ${sec(f.cliMs)} s), ok ${f.okItems}/${s.n}, 429s ${f.r429}, ` +
							`POST created ${f.otpsCreated} (dup ${f.duplicatePosts}), peak open ${f.peakConcurrency}, RSS ${mb(f.nodePeakKb)} MB while the node ran, ${mb(f.mainPeakKb)} MB peak${f.nodeError ? `, node error: ${f.nodeError}` : ''}`,
					);
				}
			}
		} finally {
			await standIn.close();
			if (n8n && !o.keep) fs.rmSync(n8n.userFolder, { recursive: true, force: true });
		}
	}

	let signups;
	if (!o.skipSignups) {
		log('sign-ups: separate webhook executions in one running n8n');
		signups = await runSignups(parseSignupArgs(o.signupArgs, { latency: o.latency, skipBuild: true, keep: o.keep }), { packed, log });
	}

	const meta = {
		date: new Date().toString(),
		n8n: fl.version(),
		node: 'v24 (e2e/node24)',
		cores: os.cpus().length,
		cpu: os.cpus()[0] && os.cpus()[0].model,
		memGb: Math.round(os.totalmem() / 2 ** 30),
		latencyMs: o.latency,
		args: process.argv.slice(2).join(' '),
		totalSeconds: Math.round((Date.now() - t0) / 1000),
	};
	const text = [];
	const md = [];
	text.push(`\nSMS.CX OTP node vs HTTP Request ${HTTP_REQUEST_VERSION}: n8n ${meta.n8n}, ${meta.cores} cores, stand-in latency ${o.latency} ms, ${meta.date}`);
	for (const s of scenarios) {
		const ideal = s.idealMs ? `; ideal N/limit = ${sec(s.idealMs)} s` : '';
		text.push(`\n== ${s.title}${ideal}\n${table(s.memory ? MEMORY_HEADERS : SPEED_HEADERS, rowsOf(s))}`);
		md.push(`### ${s.title}${ideal}\n\n${mdTable(s.memory ? MEMORY_HEADERS : SPEED_HEADERS, rowsOf(s))}\n`);
		const guardCost = fraudGuardCost(s);
		if (guardCost) {
			text.push(guardCost);
			md.push(`${guardCost}\n`);
		}
	}
	if (signups) {
		text.push(`\n${signupTables(signups)}`);
		md.push(signupTables(signups));
	}
	text.push(`\n(total ${meta.totalSeconds} s; figures also in ${path.relative(process.cwd(), OUT_DIR)}/results.json and results.md)`);
	console.log(text.join('\n'));
	fs.writeFileSync(path.join(OUT_DIR, 'results.json'), JSON.stringify({ meta, options: o, scenarios: scenarios.map(({ runs, ...s }) => s), signups }, null, 2));
	fs.writeFileSync(path.join(OUT_DIR, 'results.md'), md.join('\n'));
}

main().catch((e) => {
	console.error(`[bench] failed: ${e && e.stack ? e.stack : e}`);
	process.exit(1);
});

// `n8n execute --id=<id> --rawOutput`, like N8n.execute() in e2e/lib/n8n.js, plus memory: the peak RSS of the
// n8n process (from rss-hook.js at its exit; it includes the CLI's final JSON print of the run data), its RSS
// over time (sampled from /proc every 25 ms, to tell the node's own share) and the task runner's peak.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { parseJsonFromStdout } = require('../lib/n8n');
const { describe } = require('../lib/proc');

const HOOK = path.join(__dirname, 'rss-hook.js');

function readStatus(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key) => Number((text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm')) || [])[1] || 0);
		return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
	} catch {
		return undefined;
	}
}

/** PIDs whose parent is `pid` (the 2.x task runner is a child of the n8n process). */
function childrenOf(pid) {
	try {
		return fs
			.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
			.split(/\s+/)
			.filter(Boolean)
			.map(Number);
	} catch {
		return [];
	}
}

/**
 * @param {import('../lib/n8n').N8n} n8n
 * @returns {Promise<{status, runData, error, code, ms, mainPeakKb, runnerPeakKb, timeline}>}
 */
async function executeMeasured(n8n, id, { timeoutMs = 600000 } = {}) {
	const rssDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smscx-bench-rss-'));
	// BENCH_NODE_OPTIONS: extra V8/Node flags for the measured process, e.g. --max-old-space-size=256.
	const extra = process.env.BENCH_NODE_OPTIONS ? ` ${process.env.BENCH_NODE_OPTIONS}` : '';
	const env = await n8n.env({ NODE_OPTIONS: `--require=${HOOK}${extra}`, BENCH_RSS_DIR: rssDir });
	const started = Date.now();
	const child = spawn(n8n.fl.node, [n8n.fl.n8nBin, 'execute', `--id=${id}`, '--rawOutput'], {
		cwd: n8n.userFolder,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const out = [];
	const err = [];
	child.stdout.on('data', (d) => out.push(d));
	child.stderr.on('data', (d) => err.push(d));
	let mainSampledKb = 0;
	let runnerPeakKb = 0;
	const timeline = []; // [epoch ms, VmRSS kB] of the n8n process
	const sampler = setInterval(() => {
		const s = readStatus(child.pid);
		if (s) {
			mainSampledKb = Math.max(mainSampledKb, s.hwm);
			timeline.push([Date.now(), s.rss]);
		}
		for (const pid of childrenOf(child.pid)) {
			const c = readStatus(pid);
			if (c) runnerPeakKb = Math.max(runnerPeakKb, c.hwm);
		}
	}, 25);
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const { code, signal } = await new Promise((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (c, s) => resolve({ code: c, signal: s }));
	});
	clearInterval(sampler);
	clearTimeout(timer);
	const ms = Date.now() - started;
	const r = { code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms, timedOut: ms >= timeoutMs };

	let mainPeakKb = mainSampledKb;
	try {
		const hooked = JSON.parse(fs.readFileSync(path.join(rssDir, `${child.pid}.json`), 'utf8'));
		mainPeakKb = Math.max(mainPeakKb, hooked.maxRssKb);
	} catch {
		/* no exit hook record (killed): the sampled value stands */
	}
	fs.rmSync(rssDir, { recursive: true, force: true });

	const parsed = parseJsonFromStdout(r.stdout);
	const segfault = code === 139 || signal === 'SIGSEGV';
	if (!parsed || !parsed.data) throw new Error(describe(`n8n execute ${id} printed no run data`, r));
	if (segfault && parsed.status !== 'success') throw new Error(describe(`n8n execute ${id} crashed`, r));
	const resultData = parsed.data.resultData || {};
	return {
		status: parsed.status || (resultData.error ? 'error' : 'success'),
		runData: resultData.runData || {},
		error: resultData.error,
		code,
		ms,
		mainPeakKb,
		runnerPeakKb,
		timeline,
	};
}

/** Highest sampled RSS between two instants (e.g. while one node ran); the nearest sample when none fell inside. */
function peakBetween(timeline, fromMs, toMs) {
	const inside = timeline.filter(([t]) => t >= fromMs && t <= toMs);
	if (inside.length) return Math.max(...inside.map(([, kb]) => kb));
	let best;
	for (const s of timeline) if (!best || Math.abs(s[0] - fromMs) < Math.abs(best[0] - fromMs)) best = s;
	return best ? best[1] : 0;
}

module.exports = { executeMeasured, peakBetween };

#!/usr/bin/env node
// Run first by `npm test` and `npm run demo`: on a fresh clone (no node_modules) or after package-lock.json changed
// (node_modules/.package-lock.json, npm's record of what it installed, differs), runs `npm ci`. Otherwise it costs
// a few milliseconds. Not an npm lifecycle script: n8n's scanner forbids install scripts.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

/** Why node_modules does not match package-lock.json, or '' when it does. */
function staleness() {
	const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
	if (!fs.existsSync(installed)) return 'node_modules is missing';
	const want = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages || {};
	const have = JSON.parse(fs.readFileSync(installed, 'utf8')).packages || {};
	for (const [name, entry] of Object.entries(want)) {
		if (name === '' || entry.link) continue;
		const got = have[name];
		// Optional packages for other platforms (fsevents, …) are legitimately absent.
		if (!got && entry.optional) continue;
		if (!got || got.version !== entry.version) return `${name.replace(/^.*node_modules\//, '')} ${got ? got.version : 'missing'}, lockfile wants ${entry.version}`;
	}
	return '';
}

/**
 * npm's output without its EBADENGINE warning for isolated-vm (n8n-workflow's sandbox, which wants Node 24): on Node 20
 * it is expected and harmless, as nothing here loads it (install scripts are off; n8n 2.x runs on its own Node 24),
 * but a newcomer reads five "warn" lines as a failure. One plain line says so instead. Every other line passes.
 */
function withoutIsolatedVmEngineWarning(text) {
	const blocks = text.match(/npm warn EBADENGINE Unsupported engine \{\n(?:npm warn EBADENGINE .*\n)*?npm warn EBADENGINE \}\n/g) || [];
	const expected = blocks.filter((b) => /package: 'isolated-vm@/.test(b));
	for (const b of expected) text = text.replace(b, '');
	return expected.length ? `[ensure-deps] note: isolated-vm asks for Node 24; expected on Node ${process.versions.node}, nothing here uses it.\n${text}` : text;
}

const why = staleness();
if (why) {
	process.stdout.write(`[ensure-deps] ${why}: npm ci (about a minute) ...\n`);
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: ['inherit', 'inherit', 'pipe'], encoding: 'utf8' });
	process.stderr.write(withoutIsolatedVmEngineWarning(r.stderr || ''));
	if (r.status !== 0) process.exit(r.status || 1);
}

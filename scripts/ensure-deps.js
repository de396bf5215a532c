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

const why = staleness();
if (why) {
	process.stdout.write(`[ensure-deps] ${why}: npm ci (about a minute) ...\n`);
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status || 1);
}

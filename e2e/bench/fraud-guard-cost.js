#!/usr/bin/env node
// What the Fraud Guard costs: 10,000 Sends (distinct numbers, as in npm run bench's memory run) through n8n-core's
// engine (test/engine/harness.js) against the stand-in in this process, the guard at its defaults vs turned off
// (maxSendsPerNumber 0), alternated in one process. Prints figures; asserts nothing about time.
//   npm run build && node e2e/bench/fraud-guard-cost.js [--n 10000] [--rounds 5]
'use strict';

const { parseArgs } = require('util');
const { startStandIn } = require('../../test/stand-in');
const { runOtpNode, forgetDispatchers, forgetSendCounts } = require('../../test/engine/harness');

const { values } = parseArgs({ options: { n: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '5' } } });
const n = Number(values.n);
const rounds = Number(values.rounds);

async function main() {
	const sx = await startStandIn({ apiKeys: ['bench-key'], rateLimit: { limit: 1_000_000, windowSeconds: 1 }, balance: 1e9 });
	const credentials = { authType: 'apiKey', apiKey: 'bench-key', baseUrl: sx.url };
	const items = Array.from({ length: n }, (_, i) => ({ phone: `+3361${String(i).padStart(7, '0')}` }));
	const variants = {
		off: { maxSendsPerNumber: 0 },
		defaults: {},
		'all rules': { allowedCountries: ['FR'], rangeVelocityLimit: 10000 },
	};
	const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
	for (let round = 0; round < rounds; round++) {
		// the order turns every round, so warm-up and GC drift fall on every variant alike
		const order = Object.entries(variants);
		for (let turn = 0; turn < round % order.length; turn++) order.push(order.shift());
		for (const [name, options] of order) {
			sx.reset();
			forgetDispatchers();
			forgetSendCounts();
			const started = process.hrtime.bigint();
			const result = await runOtpNode({ parameters: { operation: 'new', phoneNumber: '={{ $json.phone }}', additionalFields: {}, options }, credentials, items });
			const ms = Number(process.hrtime.bigint() - started) / 1e6;
			const sent = result.success.filter((item) => item.json.otpId).length;
			if (result.status !== 'success' || sent !== n) throw new Error(`${name}: ${result.status}, ${sent}/${n} sent`);
			times[name].push(ms);
			console.log(`round ${round + 1} ${name.padEnd(9)} ${n} sends in ${ms.toFixed(0)} ms (${((n / ms) * 1000).toFixed(0)}/s), ${sent}/${n} sent`);
		}
	}
	const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
	for (const name of Object.keys(variants)) {
		const ms = median(times[name]);
		// paired: each round's ratio against that round's "off" run, then the median of those ratios
		const ratios = times[name].map((t, round) => times.off[round] / t);
		console.log(
			`median ${name.padEnd(9)} ${((n / ms) * 1000).toFixed(0)} sends/s; throughput vs off, per round ${ratios.map((r) => r.toFixed(3)).join(' ')}, median ${median(ratios).toFixed(3)}`,
		);
	}
	sx.close();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

#!/usr/bin/env node
'use strict';
// node test/stand-in/cli.js [--port 4010] [--host 127.0.0.1] [--rate-limit 20/1] [--balance 100] [--latency-ms 0]
// Prints one JSON line {url, apiKey, accessToken, applicationId, applicationSecret}, then a human line.
// The sandbox key, token and client only work on the stand-in: they are not secrets.

const { parseArgs } = require('node:util');
const { startStandIn } = require('./index');

function parseOptions(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: 'string', default: '4010' },
			host: { type: 'string', default: '127.0.0.1' },
			'rate-limit': { type: 'string' },
			balance: { type: 'string' },
			'latency-ms': { type: 'string' },
		},
	});
	const options = { port: Number(values.port), host: values.host };
	if (values['rate-limit']) {
		const [limit, windowSeconds = '1'] = values['rate-limit'].split('/');
		options.rateLimit = { limit: Number(limit), windowSeconds: Number(windowSeconds) };
	}
	if (values.balance !== undefined) options.balance = Number(values.balance);
	if (values['latency-ms'] !== undefined) options.latencyMs = Number(values['latency-ms']);
	return options;
}

async function main() {
	const sx = await startStandIn(parseOptions(process.argv.slice(2)));
	const { url, apiKey, accessToken } = sx;
	process.stdout.write(`${JSON.stringify({ url, apiKey, accessToken, ...sx.oauthClient })}\n`);
	process.stdout.write(`SMS.CX stand-in listening on ${url} (control surface: ${url}/__control/). Ctrl+C to stop.\n`);
	const stop = async () => {
		await sx.close();
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((err) => {
	process.stderr.write(`stand-in: ${err.message}\n`);
	process.exit(1);
});

'use strict';
// startStandIn(options): a local SMS.CX for tests. See README.md beside this file.

const { createCore } = require('./core');
const { createHttpServer } = require('./server');
const { createControl } = require('./control');

async function startStandIn(options = {}) {
	const { port = 0, host = '127.0.0.1', ...rest } = options;
	const core = createCore(rest);
	let url;
	const info = () => ({
		url, apiKey: core.sx.apiKey, accessToken: core.sx.accessToken, ...core.sx.oauthClient,
		now: new Date(core.clock.now()).toISOString(),
	});
	const { server, stopTimers } = createHttpServer(core, createControl(core, info));
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const address = server.address();
	url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

	const sx = core.sx;
	Object.defineProperty(sx, 'url', { value: url, enumerable: true });
	sx.close = () => new Promise((resolve) => {
		core.callbacks.close();
		stopTimers();
		server.close(() => resolve());
		server.closeAllConnections(); // hung and keep-alive sockets too
	});
	return sx;
}

module.exports = { startStandIn };

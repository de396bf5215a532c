// The two real n8n installs the e2e layer drives, and how each is run.
'use strict';

const fs = require('fs');
const path = require('path');
const { E2E_DIR, NODE24_BIN } = require('./paths');

const FLAVOURS = {
	2: {
		id: '2',
		label: 'n8n 2.x on Node 24',
		dir: path.join(E2E_DIR, 'n8n2'),
		node: path.join(NODE24_BIN, 'node'),
		pathPrefix: NODE24_BIN,
		// 2.x: `publish:workflow`; `update:workflow --active=true` is deprecated there.
		activateArgs: (id) => ['publish:workflow', `--id=${id}`],
		hasTaskBroker: true,
	},
	1: {
		id: '1',
		label: 'n8n 1.x on the system Node',
		dir: path.join(E2E_DIR, 'n8n1'),
		node: process.env.E2E_NODE20 || 'node',
		pathPrefix: null,
		activateArgs: (id) => ['update:workflow', `--id=${id}`, '--active=true'],
		// 1.x with N8N_RUNNERS_ENABLED=true also starts a broker (default port 5679).
		hasTaskBroker: true,
	},
};

function flavour(id) {
	const f = FLAVOURS[String(id)];
	if (!f) throw new Error(`unknown n8n flavour '${id}' (use 2 or 1)`);
	const n8nBin = path.join(f.dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const version = () => JSON.parse(fs.readFileSync(path.join(f.dir, 'node_modules', 'n8n', 'package.json'), 'utf8')).version;
	const installed = () =>
		fs.existsSync(n8nBin) && fs.existsSync(path.join(f.dir, 'node_modules', '.e2e-stamp')) && (!f.pathPrefix || fs.existsSync(f.node));
	return { ...f, n8nBin, version, installed };
}

/** Flavours selected by E2E_FLAVOURS ("2,1" by default). */
function selectedFlavours() {
	return (process.env.E2E_FLAVOURS || '2,1')
		.split(/[ ,]+/)
		.filter(Boolean)
		.map(String);
}

module.exports = { flavour, selectedFlavours, FLAVOURS };

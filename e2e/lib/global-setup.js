// Jest global setup: build + pack the package once; the suites read .e2e/pack/packed.json.
'use strict';

const fs = require('fs');
const path = require('path');
const { PACK_DIR } = require('./paths');
const { buildAndPack, ensureCachedInstall } = require('./package');

module.exports = async function globalSetup() {
	const log = (m) => process.stderr.write(`[e2e] ${m}\n`);
	const packed = await buildAndPack({ log, skipBuild: process.env.E2E_SKIP_BUILD === '1' });
	await ensureCachedInstall(packed, { log }); // once here, not in each worker
	fs.writeFileSync(path.join(PACK_DIR, 'packed.json'), JSON.stringify(packed, null, 2));
};

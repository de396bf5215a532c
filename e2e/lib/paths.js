// Where things live. `.e2e/` at the repo root is git-ignored scratch space: user folders, logs, the packed tarball.
'use strict';

const path = require('path');

const E2E_DIR = path.resolve(__dirname, '..');
const ROOT = path.dirname(E2E_DIR);
const SCRATCH = path.join(ROOT, '.e2e');

module.exports = {
	ROOT,
	E2E_DIR,
	SCRATCH,
	LOGS: path.join(SCRATCH, 'logs'),
	PACK_DIR: path.join(SCRATCH, 'pack'),
	USER_FOLDERS: path.join(SCRATCH, 'users'),
	WORKFLOWS: path.join(E2E_DIR, 'workflows'),
	SETUP_SH: path.join(E2E_DIR, 'setup.sh'),
	NODE24_BIN: path.join(E2E_DIR, 'node24', 'node_modules', 'node', 'bin'),
};

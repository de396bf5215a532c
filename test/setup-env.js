// n8n-core writes its instance settings under N8N_USER_FOLDER: keep them out of the home folder.
// The legacy expression engine: the default one needs isolated-vm, which has no build for Node 20.
const os = require('os');
const path = require('path');
const fs = require('fs');

const folder = path.join(os.tmpdir(), 'n8n-nodes-smscx-jest');
fs.mkdirSync(folder, { recursive: true });
process.env.N8N_USER_FOLDER = folder;
process.env.N8N_EXPRESSION_ENGINE = 'legacy';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
process.env.N8N_LOG_LEVEL = 'silent'; // n8n's logger would print every failed item of the error-path tests

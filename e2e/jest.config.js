// Real-n8n end-to-end suites: `npx jest -c e2e/jest.config.js` (both flavours) or with E2E_FLAVOURS=2 / =1.
// Needs e2e/setup.sh first. The global setup builds and packs the package once for all suites.
'use strict';

module.exports = {
	rootDir: __dirname,
	testMatch: ['<rootDir>/*.test.js'],
	testEnvironment: 'node',
	globalSetup: '<rootDir>/lib/global-setup.js',
	// Each flavour's suite drives its own n8n processes and stand-in: the two suites can run side by side.
	maxWorkers: 2,
	testTimeout: 180000,
	slowTestThreshold: 60,
	verbose: true,
};

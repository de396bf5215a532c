// Queue-mode suite: `npm run e2e:queue` (needs `e2e/setup.sh queue`). The global setup builds and packs the package.
'use strict';

module.exports = {
	rootDir: __dirname,
	testMatch: ['<rootDir>/*.test.js'],
	testEnvironment: 'node',
	globalSetup: '<rootDir>/../lib/global-setup.js',
	maxWorkers: 1,
	testTimeout: 300000,
	slowTestThreshold: 120,
	verbose: true,
};

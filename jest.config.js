// Unit, stand-in and engine tests (`npm test`). The real-n8n suites have their own config in e2e/.
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.js'],
	setupFiles: ['<rootDir>/test/setup-env.js'],
	testTimeout: 30000,
};

'use strict';
// Default options and how a partial set (startStandIn, configure) merges into them.

const DEFAULT_OPTIONS = {
	apiKeys: ['sandbox-api-key'],
	accessTokens: ['sandbox-access-token'],
	oauthClients: [
		{ applicationId: 'sandbox-app-id', applicationSecret: 'sandbox-app-secret', scopes: null, tokenLifetimeSeconds: 86400 },
	],
	balance: 100,
	currency: 'eur',
	billing: 'prepaid',
	costPerPart: 0.045,
	rateLimit: { limit: 1000, windowSeconds: 1 },
	latencyMs: 0,
	// Dashboard defaults; otpCallbackUrl is the URL "saved in the dashboard" (the request's wins).
	defaults: {
		ttl: 180,
		maxAttempts: 4,
		pinType: 'numbers',
		pinLength: 4,
		from: 'InfoText',
		template: 'Your verification code is {{pin}}',
		otpCallbackUrl: null,
	},
	callbackBatchMs: 50,
	callbackRetries: 2,
	callbackRetryDelayMs: 200,
	callbackTimeoutMs: 5000,
	callbackOnCreate: true,
	duplicateCallbacks: false,
};

const NESTED = new Set(['defaults', 'rateLimit']);

// Unknown keys throw, so a typo in a test does not silently test the defaults.
function mergeOptions(base, partial = {}) {
	const out = structuredClone(base);
	for (const [key, value] of Object.entries(partial)) {
		if (!Object.hasOwn(DEFAULT_OPTIONS, key)) throw new TypeError(`stand-in: unknown option "${key}"`);
		if (value === undefined) continue;
		out[key] = NESTED.has(key) ? { ...out[key], ...value } : structuredClone(value);
	}
	return out;
}

module.exports = { DEFAULT_OPTIONS, mergeOptions };

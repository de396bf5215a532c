'use strict';
// All stand-in state in one place, and the in-process API over it (used by index.js and control.js).

const { DEFAULT_OPTIONS, mergeOptions } = require('./options');
const { createClock } = require('./clock');
const { createOtpStore } = require('./otp-store');
const { createCallbacks } = require('./callbacks');
const { createAuth } = require('./auth');
const { createRateLimiter } = require('./rate-limit');
const { createFaults } = require('./faults');
const { createRequestLog } = require('./request-log');

// Money in the account currency; rounded so 100 - 0.045 * n stays readable.
const round = (x) => Math.round(x * 1e6) / 1e6;

function createCore(userOptions) {
	const initial = mergeOptions(DEFAULT_OPTIONS, userOptions);
	let options = structuredClone(initial);
	let balance = options.balance;
	let messages = [];
	const getOptions = () => options;

	const clock = createClock();
	const log = createRequestLog();
	const faults = createFaults();
	const rateLimit = createRateLimiter(() => options.rateLimit);
	const callbacks = createCallbacks(getOptions);
	const auth = createAuth(getOptions, clock.now);
	const store = createOtpStore({
		now: clock.now,
		onChange(record, { created }) {
			if (created && !options.callbackOnCreate) return;
			if (record.otpCallbackUrl) callbacks.queue(record.otpCallbackUrl, store.view(record));
		},
	});

	const account = {
		get: () => ({ balance, currency: options.currency, billing: options.billing }),
		// Postpaid accounts may go below zero; prepaid ones are refused.
		charge(cost) {
			if (options.billing === 'prepaid' && balance < cost) return false;
			balance = round(balance - cost);
			return true;
		},
		costOf: (parts) => round(options.costPerPart * parts),
	};

	// API requests open at the same time, to show a client's concurrency
	const concurrency = { open: 0, max: 0 };

	const sx = {
		get maxConcurrentRequests() {
			return concurrency.max;
		},
		get apiKey() {
			return options.apiKeys[0];
		},
		get accessToken() {
			return options.accessTokens[0];
		},
		get oauthClient() {
			const c = options.oauthClients[0];
			return c && { applicationId: c.applicationId, applicationSecret: c.applicationSecret };
		},
		pinOf: (otpId) => store.record(otpId)?.pin,
		otp: (otpId) => store.record(otpId),
		otps: () => store.list(),
		get messages() {
			return structuredClone(messages);
		},
		requests: (filter) => log.list(filter),
		injectFault(fault) {
			faults.add(fault);
		},
		// expire: false moves time without sweeping, so the next verify meets a lapsed PENDING (2028).
		advanceClock(seconds, { expire = true } = {}) {
			clock.advance(seconds);
			if (expire) store.expireDue();
		},
		configure(partial) {
			options = mergeOptions(options, partial);
			if (partial.balance !== undefined) balance = partial.balance;
		},
		flushCallbacks: () => callbacks.flush(),
		get callbackDeliveries() {
			return callbacks.deliveries;
		},
		reset() {
			options = structuredClone(initial);
			balance = options.balance;
			messages = [];
			concurrency.max = concurrency.open;
			for (const part of [clock, log, faults, rateLimit, callbacks, auth, store]) part.reset();
		},
	};

	return {
		sx,
		options: getOptions,
		clock, log, faults, rateLimit, callbacks, auth, store, account, concurrency,
		recordMessage: (message) => messages.push(message),
	};
}

module.exports = { createCore };

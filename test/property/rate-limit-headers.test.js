// Property (issue 16): no X-Rate-Limit-Limit / -Remaining / -Reset value can throw, hang, lock the credential's gate
// for good, or name an impossible date. First on the gate itself (many runs: arbitrary strings, numbers as
// strings, epochs in s and ms, 1e20, negatives, '', huge), then through n8n's engine against the stand-in sending
// such headers (fewer runs: each waits out real rate-limit windows). Seed and run counts are in the test names.
const path = require('path');
const { useSandbox, sendParams } = require('../helpers');
const { runOtpNode } = require('../engine/harness');
const { fc, settings, RUNS, SEED } = require('./arbitraries');

const { RateLimitGate, readRateLimitHeaders, timeText } = require(path.join(__dirname, '..', '..', 'dist', 'nodes', 'shared', 'rateLimit.js'));

const sandbox = useSandbox();

const HOUR = 3600 * 1000;
const GATE_RUNS = RUNS * 10;
const ENGINE_RUNS = Math.max(4, Math.round(RUNS / 12));

const now0 = Date.now();
const numberText = fc.oneof(
	fc.double().map(String),
	fc.integer().map(String),
	fc.bigInt().map(String),
	fc.integer({ min: -7200, max: 7200 }).map((s) => String(Math.floor(now0 / 1000) + s)), // epoch seconds
	fc.integer({ min: -7200, max: 7200 }).map((s) => String(now0 + s * 1000)), // epoch milliseconds
	fc.integer({ min: -100, max: 100000 }).map(String), // delta seconds
	fc.constantFrom('1e20', '-1', '0', '', ' ', 'abc', 'NaN', 'Infinity', '-Infinity', '0x10', ' 30 ', '1e308', '9'.repeat(400)),
);
const headerValue = fc.oneof(numberText, fc.string(), fc.string({ unit: 'binary' }), fc.constant(undefined));
/** What a real HTTP server can put in a header: printable ASCII. */
const wireValue = fc.oneof(numberText, fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }));

const answer = fc.record({
	status: fc.constantFrom(200, 201, 429, 429),
	limit: headerValue,
	remaining: headerValue,
	reset: headerValue,
	elapsedMs: fc.integer({ min: 0, max: 5000 }),
});

const headersOf = ({ limit, remaining, reset }) => {
	const headers = {};
	if (limit !== undefined) headers['x-rate-limit-limit'] = limit;
	if (remaining !== undefined) headers['x-rate-limit-remaining'] = remaining;
	if (reset !== undefined) headers['x-rate-limit-reset'] = reset;
	return headers;
};

test(`the gate: any headers keep it bounded and reopening (seed ${SEED}, ${GATE_RUNS} runs)`, () => {
	fc.assert(
		fc.property(fc.array(answer, { minLength: 1, maxLength: 8 }), (answers) => {
			const gate = new RateLimitGate();
			let now = now0;
			for (const each of answers) {
				now += each.elapsedMs;
				const read = readRateLimitHeaders(headersOf(each), now);
				for (const count of [read.limit, read.remaining]) {
					if (count !== undefined) expect(Number.isInteger(count) && count >= 0 && count <= 1e6).toBe(true);
				}
				if (read.resetAt !== undefined) expect(Math.abs(read.resetAt - now)).toBeLessThanOrEqual(HOUR);
				gate.learn(each.status, headersOf(each), now);
				const room = gate.room(now, 0);
				expect(room >= 0).toBe(true);
				const opensAt = gate.closedUntil(now);
				if (opensAt === undefined) continue;
				// never longer than an hour and a jitter, never an impossible date
				expect(opensAt - now).toBeLessThanOrEqual(HOUR + 200);
				expect(timeText(opensAt)).toMatch(/^20\d\d-/);
				// and it opens: once it does, at least one call may leave
				expect(gate.room(opensAt, 0)).toBeGreaterThanOrEqual(1);
			}
		}),
		{ ...settings, numRuns: GATE_RUNS },
	);
});

test(`through the engine: every run ends on its own, items sent once, errors name no impossible date (seed ${SEED}, ${ENGINE_RUNS} runs)`, async () => {
	const unhandled = [];
	const onUnhandled = (reason) => unhandled.push(reason);
	process.on('unhandledRejection', onUnhandled);
	try {
		await fc.assert(
			fc.asyncProperty(wireValue, wireValue, wireValue, fc.boolean(), async (limit, remaining, reset, withRemaining) => {
				sandbox.sx.reset();
				require('../engine/harness').forgetDispatchers();
				require('../engine/harness').forgetSendCounts(); // each run is a fresh process (the Fraud Guard's cap)
				sandbox.sx.configure({
					rateLimit: { limit: 3, windowSeconds: 1, remainingHeader: withRemaining, headerText: { limit, remaining, reset } },
				});
				const items = Array.from({ length: 5 }, (_, i) => ({ phone: `+336122${46400 + i}` }));
				const result = await runOtpNode({
					parameters: sendParams('={{ $json.phone }}', {}, { rateLimitRetries: 3, maxRateLimitWait: 3 }),
					items,
					credentials: sandbox.credentials.apiKey,
					onError: 'continueErrorOutput',
				});
				expect(result.success.length + result.errors.length).toBe(5);
				const accepted = sandbox.sx.requests({ method: 'POST', path: '/otp' }).filter((r) => r.status === 201);
				expect(accepted).toHaveLength(result.success.length);
				for (const failed of result.errors) {
					expect(failed.json.error).toMatch(/HTTP 429/);
					expect(failed.json.error).not.toMatch(/1970-|Invalid|RangeError|\+0\d{5}|58897/);
				}
			}),
			{ ...settings, numRuns: ENGINE_RUNS },
		);
	} finally {
		process.off('unhandledRejection', onUnhandled);
	}
	expect(unhandled).toEqual([]);
}, 120000);

// The fault matrix: every stand-in fault against every operation, with "continue (using error output)"
// and with "stop workflow". Each cell's outcome is decided here (EXPECTED), checked against a real run in
// n8n's engine, and docs/fault-matrix.md is rendered from what the runs observed, so the document cannot
// drift from the code: this test fails when the file differs (UPDATE_FAULT_MATRIX=1 rewrites it).
const fs = require('fs');
const path = require('path');
const { useSandbox, expectNoSecrets, sendParams } = require('./helpers');

const DOC = path.join(__dirname, '..', 'docs', 'fault-matrix.md');
const UNREACHABLE = 'http://127.0.0.1:9'; // nothing listens on the discard port

const FAULTS = [
	{ id: 'rateLimit', label: '429 with `X-Rate-Limit-Reset` (1 s)', fault: { kind: 'rateLimit', resetInSeconds: 1 } },
	{ id: '500', label: 'HTTP 500', fault: { kind: 'status', status: 500 } },
	{ id: '502', label: 'HTTP 502', fault: { kind: 'status', status: 502 } },
	{ id: '503', label: 'HTTP 503', fault: { kind: 'status', status: 503 } },
	{ id: 'hang', label: 'no answer (timeout)', fault: { kind: 'hang' } },
	{ id: 'closeBefore', label: 'socket closed before processing', fault: { kind: 'closeBeforeProcessing' } },
	{ id: 'closeAfter', label: 'socket closed after processing', fault: { kind: 'closeAfterProcessing' } },
	{ id: 'html', label: 'HTML error page (502)', fault: { kind: 'html', status: 502 } },
	{ id: 'malformed', label: 'malformed JSON (processed)', fault: { kind: 'malformedJson' } },
	{ id: 'redirect', label: 'redirect (307 to another host)', fault: { kind: 'redirect', status: 307, location: 'http://198.51.100.7/otp' } },
	{ id: 'unreachable', label: 'unreachable host (connection refused)' },
];

const OPERATIONS = {
	new: { label: 'Send', method: 'POST', path: () => '/otp' },
	status: { label: 'Get Status', method: 'GET', path: (id) => `/otp/${id}` },
	verify: { label: 'Verify', method: 'POST', path: (id) => `/otp/${id}` },
	cancel: { label: 'Cancel', method: 'DELETE', path: (id) => `/otp/${id}` },
};

// What each cell must do: ok (item succeeds) and how many requests SMS.CX sees.
// Why: a 429 was not processed, so every operation waits and sends again; a GET is safe to repeat; Send,
// Verify and Cancel may have been processed after a 5xx, a timeout or a dropped connection, so they are not
// repeated; a refused connection sent nothing, so every operation tries again (2 retries) before failing.
const passing = { new: 'fail1', status: 'retried', verify: 'fail1', cancel: 'fail1' };
const EXPECTED = {
	rateLimit: { new: 'waited', status: 'waited', verify: 'waited', cancel: 'waited' },
	500: passing,
	502: passing,
	503: passing,
	hang: passing,
	closeBefore: passing,
	closeAfter: passing,
	html: passing,
	malformed: passing,
	// a redirect is never followed, and not retried either (even Get Status): the Base URL is wrong
	redirect: { new: 'fail1', status: 'fail1', verify: 'fail1', cancel: 'fail1' },
	unreachable: { new: 'refused', status: 'refused', verify: 'refused', cancel: 'refused' },
};
const VERDICTS = {
	waited: { ok: true, requests: 2, text: 'waits for the reset, sends again → ✔' },
	retried: { ok: true, requests: 2, text: 'retried with backoff → ✔' },
	fail1: { ok: false, requests: 1, text: 'not retried → ✘' },
	refused: { ok: false, requests: 0, text: 'retried twice (nothing was sent) → ✘' },
};

const sandbox = useSandbox();
const observed = {}; // `${fault}/${operation}` → the message the user sees
let duplicatePosts = 0;

async function pendingOtpId() {
	const response = await fetch(`${sandbox.sx.url}/otp`, {
		method: 'POST',
		headers: { 'X-API-KEY': sandbox.credentials.apiKey.apiKey, 'Content-Type': 'application/json' },
		body: JSON.stringify({ phoneNumber: '+33612246400' }),
	});
	return (await response.json()).otpId;
}

describe.each(FAULTS.map((f) => [f.id, f]))('fault %s', (faultId, spec) => {
	describe.each(Object.keys(OPERATIONS))('%s', (operation) => {
		test.each(['continueErrorOutput', 'stopWorkflow'])('with On Error = %s', async (onError) => {
			const op = OPERATIONS[operation];
			const otpId = operation === 'new' ? undefined : await pendingOtpId();
			const before = sandbox.sx.requests().length;
			const messagesBefore = sandbox.sx.messages.length;
			if (spec.fault) sandbox.sx.injectFault({ ...spec.fault, method: op.method, path: op.path(otpId) });
			const options = { timeout: 300 };
			const parameters =
				operation === 'new'
					? sendParams('+33612246400', {}, options)
					: { operation, otpId, options, ...(operation === 'verify' ? { pin: sandbox.sx.pinOf(otpId) } : {}) };
			const credentials = spec.fault ? sandbox.credentials.apiKey : { ...sandbox.credentials.apiKey, baseUrl: UNREACHABLE };
			const result = await sandbox.run(parameters, { credentials, onError });

			const verdict = VERDICTS[EXPECTED[faultId][operation]];
			const seen = sandbox.sx.requests().slice(before);
			expect(seen.filter((r) => r.method === op.method && r.path === op.path(otpId))).toHaveLength(verdict.requests);
			if (operation === 'new') {
				// a POST /otp the stand-in processed is one SMS sent: more than one would be a paid duplicate
				const smsSent = sandbox.sx.messages.length - messagesBefore;
				duplicatePosts += Math.max(0, smsSent - 1);
			}
			// exactly one output item for the one input item, on the output the mode says
			if (verdict.ok) {
				expect(result.status).toBe('success');
				expect(result.success).toHaveLength(1);
				expect(result.errors).toHaveLength(0);
			} else if (onError === 'continueErrorOutput') {
				expect(result.status).toBe('success');
				expect(result.success).toHaveLength(0);
				expect(result.errors).toHaveLength(1);
				expect(result.errors[0].pairedItem).toEqual({ item: 0 });
				observed[`${faultId}/${operation}`] = result.errors[0].json.error;
			} else {
				expect(result.status).toBe('error');
				expect(result.error.context.itemIndex).toBe(0);
				expect(result.error.message).toBe(observed[`${faultId}/${operation}`]);
			}
			expectNoSecrets(result);
		});
	});
});

test('no duplicate POST /otp across the whole matrix', () => {
	expect(duplicatePosts).toBe(0);
});

test('docs/fault-matrix.md is what the runs observed', () => {
	const escape = (text) => text.replace(/\|/g, '\\|');
	const header = `| fault | ${Object.values(OPERATIONS).map((op) => op.label).join(' | ')} |`;
	const rule = `|---|${Object.keys(OPERATIONS).map(() => '---').join('|')}|`;
	const rows = FAULTS.map((f) => {
		const cells = Object.keys(OPERATIONS).map((operation) => {
			const verdict = VERDICTS[EXPECTED[f.id][operation]];
			const message = observed[`${f.id}/${operation}`];
			return escape(verdict.ok ? verdict.text : `${verdict.text} \`${message}\``);
		});
		return `| ${f.label} | ${cells.join(' | ')} |`;
	});
	const text = [
		'# Fault matrix',
		'',
		'Generated by `test/fault-matrix.test.js` from real runs in n8n\'s engine against the SMS.CX stand-in',
		'(`UPDATE_FAULT_MATRIX=1 npx jest test/fault-matrix.test.js` rewrites it; the test fails when it is out of date).',
		'Each fault happens once (a passing fault), except the unreachable host. A redirect is never followed. ✔: the item succeeds. ✘: the item fails',
		'with the message shown; with **On Error → Continue (using error output)** it lands on the error output as',
		'`{ "error": "<message>" }`, paired to its input item; with **Stop Workflow** the workflow stops with that message',
		'and the item index. Every input item yields exactly one output item either way. Across the matrix the stand-in saw',
		'**0 duplicate `POST /otp`**: a Send that may have been processed is never sent again.',
		'',
		header,
		rule,
		...rows,
		'',
	].join('\n');
	if (process.env.UPDATE_FAULT_MATRIX) fs.writeFileSync(DOC, text);
	expect(fs.readFileSync(DOC, 'utf8')).toBe(text);
});

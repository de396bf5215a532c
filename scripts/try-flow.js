// `npm run try`: the package's main job without n8n's UI or an SMS.CX account. Starts the SMS.CX stand-in,
// then runs Send → Verify (a wrong PIN, then the right one) → Get Status through n8n's real execution engine
// with the built nodes, and prints what each step output.
'use strict';

require('../test/setup-env');
const { startStandIn } = require('../test/stand-in');
const { runOtpNode } = require('../test/engine/harness');

function show(step, result) {
	const items = result.status === 'success' ? result.success.map((item) => item.json) : result.error.message;
	console.log(`\n▶ ${step} (${result.status})\n${JSON.stringify(items, null, 2)}`);
	if (result.status !== 'success') throw new Error(`${step} did not succeed`);
	return result.success[0].json;
}

async function main() {
	const sx = await startStandIn({ port: 0 });
	const credentials = { authType: 'apiKey', apiKey: sx.apiKey, baseUrl: sx.url };
	const run = (parameters) => runOtpNode({ parameters, credentials });
	try {
		console.log(`SMS.CX stand-in on ${sx.url} (nothing leaves this machine, nothing is charged)`);
		const otp = show('Send OTP', await run({ operation: 'new', phoneNumber: '+33612246400', additionalFields: { ttl: 300 } }));
		console.log(`  the SMS the stand-in "sent": ${JSON.stringify(sx.messages[0].text)}`);
		show('Verify with a wrong PIN', await run({ operation: 'verify', otpId: otp.otpId, pin: '0000x' }));
		const verified = show('Verify with the PIN from the SMS', await run({ operation: 'verify', otpId: otp.otpId, pin: sx.pinOf(otp.otpId) }));
		const status = show('Get Status', await run({ operation: 'status', otpId: otp.otpId }));
		const ok = verified.verified === true && status.status === 'VERIFIED';
		console.log(`\n${ok ? '✔ phone number verified' : '✘ unexpected result'}: ${status.phoneNumber} is ${status.status} after ${status.attempts} wrong attempt(s)`);
		process.exitCode = ok ? 0 : 1;
	} finally {
		await sx.close();
	}
}

main().catch((error) => {
	console.error(error.message);
	process.exitCode = 1;
});

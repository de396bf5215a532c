// Small helpers shared by the e2e case modules: stand-in set-up calls and reading executions.
'use strict';

const { randomUUID } = require('crypto');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Creates an OTP at the stand-in directly (as any SMS.CX client would); resolves the OTP object. */
async function createOtp(standIn, fields = {}) {
	const r = await standIn.api('POST', '/otp', { phoneNumber: '+33612345678', ...fields });
	if (r.status !== 201 && r.status !== 200) throw new Error(`stand-in POST /otp -> ${r.status}: ${JSON.stringify(r.body)}`);
	return r.body;
}

/** Verifies an OTP at the stand-in with its real PIN (read from the control surface). */
async function verifyOtp(standIn, otpId) {
	const pin = await standIn.pinOf(otpId);
	const r = await standIn.api('POST', `/otp/${otpId}`, { pin });
	if (r.status !== 200) throw new Error(`stand-in verify -> ${r.status}: ${JSON.stringify(r.body)}`);
	return r.body;
}

/** A PIN that is not the OTP's. */
async function wrongPinFor(standIn, otpId) {
	const pin = String(await standIn.pinOf(otpId));
	return pin.replace(/./g, (c) => (c === '0' ? '1' : '0'));
}

/** Sends wrong PINs until SMS.CX marks the OTP FAILED; resolves the answers. */
async function failOtp(standIn, otpId) {
	const wrong = await wrongPinFor(standIn, otpId);
	const answers = [];
	for (let i = 0; i < 20; i++) {
		const r = await standIn.api('POST', `/otp/${otpId}`, { pin: wrong });
		answers.push(r.body);
		if ((await standIn.otp(otpId)).status === 'FAILED') return answers;
	}
	throw new Error(`OTP ${otpId} did not fail after 20 wrong PINs`);
}

/** The run data of an execution read over the public API. */
function runDataOf(execution) {
	return (execution && execution.data && execution.data.resultData && execution.data.resultData.runData) || {};
}

/** Items a node emitted in an execution (main output `output`, run `run`); undefined if it did not run. */
function nodeItems(execution, node, { output = 0, run = 0 } = {}) {
	const runs = runDataOf(execution)[node];
	if (!runs || !runs[run]) return undefined;
	const main = (runs[run].data && runs[run].data.main) || [];
	return (main[output] || []).map((i) => i.json);
}

/** Names of the nodes that ran in an execution. */
function nodesRun(execution) {
	return Object.keys(runDataOf(execution));
}

/** A well-formed callback body as SMS.CX sends it. */
function callbackBody(entries) {
	return {
		event: 'otp_update',
		data: entries.map((e) => ({
			otpId: randomUUID(),
			trackId: null,
			phoneNumber: '+33612345678',
			countryIso: 'FR',
			status: 'VERIFIED',
			cost: 0.045,
			parts: 1,
			maxAttempts: 4,
			attempts: 0,
			ttl: 180,
			otpCallbackUrl: null,
			dateCreated: '2026-11-26 10:15:00',
			dateExpires: '2026-11-26 10:18:00',
			...e,
		})),
	};
}

module.exports = { UUID, createOtp, verifyOtp, wrongPinFor, failOtp, runDataOf, nodeItems, nodesRun, callbackBody };

// SMS.CX OTP Trigger in real n8n (issue 3): published workflows, REAL callbacks sent by the stand-in, and
// hand-made requests for what SMS.CX would never send. Assertions on executions read over the public API.
'use strict';

const { randomUUID } = require('crypto');
const { WEBHOOK_SECRET } = require('../fixtures');
const { UUID, createOtp, verifyOtp, nodeItems, callbackBody } = require('../helpers');

const TRIGGER = 'SMS.CX OTP Trigger';
const WF = {
	all: 'e2eTriggerAll001',
	verified: 'e2eTriggerVerif1',
	optOut: 'e2eTriggerOptOut',
	noSecret: 'e2eTriggerNoSecr',
	send: 'e2eTriggerSend01',
};
// Production paths: <webhookId>/webhook (see e2e/workflows/trigger-*.json).
const PATHS = {
	all: '6bc3f4d4-8ed4-456d-a2de-34eaf2c22c33/webhook',
	verified: 'b87e91b0-6e24-4c19-bf0f-322bc5481b76/webhook',
	optOut: '4fbf9e9c-289a-4e5d-bd7b-eab01459d31b/webhook',
	noSecret: '69dafa2f-f033-4d40-9acd-5730a8fc3be5/webhook',
};
const TOKEN = `?token=${WEBHOOK_SECRET}`;

/** Workflows the server phase activates for these cases, and the webhook paths to wait for. */
const ACTIVATE = [WF.all, WF.verified, WF.optOut, WF.send];
const WEBHOOKS = [PATHS.all, PATHS.verified, PATHS.optOut, 'e2e-trigger-send'];
const NO_SECRET_WF = WF.noSecret;

function defineTriggerCases(ctx) {
	const url = (p) => ctx.server.webhookUrl(p);
	const items = (exec) => nodeItems(exec, TRIGGER) || [];
	const deliveriesTo = async (p) => (await ctx.standIn.callbacks()).filter((d) => d.url.startsWith(url(p)));

	/** Waits for the next finished execution (not in `known`) whose trigger items satisfy `match`. */
	const nextExecution = (wf, known, match = () => true, what) =>
		ctx.server.waitForExecution(wf, { exclude: known, match: (e) => match(items(e), e), what });

	describe('SMS.CX OTP Trigger (published, real callbacks from the stand-in)', () => {
		it('send (the node appends ?token=) → PENDING callback → verify → VERIFIED callback → one item each, token redacted', async () => {
			const known = await ctx.server.executionIds(WF.all);
			const sent = await ctx.server.postWebhook('e2e-trigger-send', { phone: '+33612345678', callbackUrl: url(PATHS.all) });
			expect(sent.status).toBe(200);
			const otp = sent.body;
			expect(otp.otpId).toMatch(UUID);
			// The Send output shows the callback URL with the token masked; SMS.CX got the real one.
			expect(otp.otpCallbackUrl).toBe(`${url(PATHS.all)}?token=***`);
			expect((await ctx.standIn.otp(otp.otpId)).otpCallbackUrl).toBe(url(PATHS.all) + TOKEN);

			await ctx.standIn.flushCallbacks();
			const pending = await nextExecution(WF.all, known, (its) => its.some((i) => i.otpId === otp.otpId), 'the PENDING callback');
			expect(items(pending)).toEqual([expect.objectContaining({ otpId: otp.otpId, status: 'PENDING' })]);

			await verifyOtp(ctx.standIn, otp.otpId);
			await ctx.standIn.flushCallbacks();
			const verified = await nextExecution(WF.all, [...known, pending.id], () => true, 'the VERIFIED callback');
			expect(verified.status).toBe('success');
			expect(verified.mode).toBe('webhook');
			const [item] = items(verified);
			expect(items(verified)).toHaveLength(1);
			expect(item).toMatchObject({ otpId: otp.otpId, status: 'VERIFIED', phoneNumber: '+33612345678', attempts: 0 });
			expect(item.otpCallbackUrl).toBe(`${url(PATHS.all)}?token=***`);
			expect(item).not.toHaveProperty('pin');
			// The item reached the next node, and the secret is nowhere in the stored execution.
			expect(nodeItems(verified, 'Received')).toHaveLength(1);
			expect(JSON.stringify(verified)).not.toContain(WEBHOOK_SECRET);
			const delivered = await deliveriesTo(PATHS.all);
			expect(delivered.filter((d) => d.otpIds.includes(otp.otpId)).map((d) => [d.statuses.join(','), d.httpStatus])).toEqual([
				['PENDING', 200],
				['VERIFIED', 200],
			]);
		});

		it('a callback with several entries starts ONE execution with one item per entry, in order', async () => {
			const known = await ctx.server.executionIds(WF.all);
			// Hold the stand-in's batch timer so the three PENDING updates leave as one callback on flush.
			await ctx.standIn.configure({ callbackBatchMs: 60000 });
			let otps;
			try {
				otps = [];
				for (const phone of ['+33612345001', '+33612345002', '+33612345003']) {
					otps.push(await createOtp(ctx.standIn, { phoneNumber: phone, otpCallbackUrl: url(PATHS.all) + TOKEN }));
				}
				await ctx.standIn.flushCallbacks();
			} finally {
				await ctx.standIn.configure({ callbackBatchMs: 50 });
			}
			const ids = otps.map((o) => o.otpId);
			const batch = (await deliveriesTo(PATHS.all)).filter((d) => d.otpIds.includes(ids[0]));
			expect(batch.map((d) => [d.entries, d.httpStatus])).toEqual([[3, 200]]);
			const exec = await nextExecution(WF.all, known, (its) => its.some((i) => ids.includes(i.otpId)));
			expect(items(exec).map((i) => [i.otpId, i.status])).toEqual(ids.map((id) => [id, 'PENDING']));
			expect(nodeItems(exec, 'Received')).toHaveLength(3);
			// Nothing else started: exactly one new execution.
			expect((await ctx.server.executionIds(WF.all)).filter((id) => !known.includes(id))).toEqual([String(exec.id)]);
		});

		it('Statuses = VERIFIED: the PENDING callback is answered 200 and starts nothing; VERIFIED starts a run', async () => {
			const known = await ctx.server.executionIds(WF.verified);
			const otp = await createOtp(ctx.standIn, { otpCallbackUrl: url(PATHS.verified) + TOKEN });
			await ctx.standIn.flushCallbacks();
			await verifyOtp(ctx.standIn, otp.otpId);
			await ctx.standIn.flushCallbacks();
			const exec = await nextExecution(WF.verified, known);
			expect(items(exec)).toEqual([expect.objectContaining({ otpId: otp.otpId, status: 'VERIFIED' })]);
			const delivered = (await deliveriesTo(PATHS.verified)).filter((d) => d.otpIds.includes(otp.otpId));
			expect(delivered.map((d) => [d.statuses.join(','), d.httpStatus])).toEqual([
				['PENDING', 200],
				['VERIFIED', 200],
			]);
			expect((await ctx.server.executionIds(WF.verified)).filter((id) => !known.includes(id))).toEqual([String(exec.id)]);
		});

		describe('refused requests start nothing', () => {
			let known;
			let knownVerified;
			const answers = {};
			let sentinelExec;

			beforeAll(async () => {
				known = await ctx.server.executionIds(WF.all);
				knownVerified = await ctx.server.executionIds(WF.verified);
				const body = callbackBody([{ status: 'VERIFIED' }]);
				const post = (query, b = body, headers) => ctx.server.postWebhook(PATHS.all, b, { query, headers });
				// Real callbacks from the stand-in to a URL with a wrong token (it retries twice).
				const wrongTokenOtp = await createOtp(ctx.standIn, { otpCallbackUrl: `${url(PATHS.all)}?token=wrong-token` });
				answers.realWrongToken = wrongTokenOtp.otpId;
				await ctx.standIn.flushCallbacks();
				answers.noToken = await post('');
				answers.wrongToken = await post('?token=wrong-token');
				answers.emptyToken = await post('?token=');
				answers.tokenTwice = await post(`${TOKEN}&token=x`);
				answers.noDataArray = await post(TOKEN, { event: 'otp_update', data: 'nope' });
				answers.entryWithoutOtpId = await post(TOKEN, { event: 'otp_update', data: [{ status: 'VERIFIED' }] });
				answers.noEvent = await post(TOKEN, { data: [] });
				answers.text = await post(TOKEN, 'hello, not JSON', { 'content-type': 'text/plain' });
				answers.form = await post(TOKEN, 'event=otp_update&data=x', { 'content-type': 'application/x-www-form-urlencoded' });
				answers.empty = await post(TOKEN, '', { 'content-type': 'application/json' });
				answers.badJson = await post(TOKEN, '{"event": "otp_update", "data": [', { 'content-type': 'application/json' });
				answers.otherEvent = await post(TOKEN, { event: 'dlr_update', data: [{ msgId: 'x', status: 'DELIVERED' }] });
				answers.allFiltered = await ctx.server.postWebhook(PATHS.verified, callbackBody([{ status: 'PENDING' }]), { query: TOKEN });
				// A duplicate: the same otpId + status twice (Ignore Duplicates is on by default).
				const dup = callbackBody([{ status: 'FAILED' }]);
				answers.dupFirst = await post(TOKEN, dup);
				answers.dupFirstId = dup.data[0].otpId;
				answers.dupSecond = await post(TOKEN, dup);
				// The sentinel: a valid callback sent last. Once its execution exists, every request above has been handled.
				const sentinel = callbackBody([{ status: 'EXPIRED' }]);
				answers.sentinel = await post(TOKEN, sentinel);
				sentinelExec = await nextExecution(WF.all, known, (its) => its.some((i) => i.otpId === sentinel.data[0].otpId), 'the sentinel');
				answers.sentinelId = sentinel.data[0].otpId;
			});

			it('wrong, missing, empty or repeated token: 401 and the same message', () => {
				for (const k of ['noToken', 'wrongToken', 'emptyToken', 'tokenTwice']) {
					expect([k, answers[k].status]).toEqual([k, 401]);
					expect(answers[k].body).toEqual({ message: 'Unauthorized: the callback URL needs the right ?token=' });
				}
			});

			it('real callbacks with a wrong token get 401 on every attempt', async () => {
				const tries = (await ctx.standIn.callbacks()).filter((d) => d.otpIds.includes(answers.realWrongToken));
				expect(tries.length).toBeGreaterThanOrEqual(1);
				for (const t of tries) expect(t.httpStatus).toBe(401);
			});

			it('JSON that is not an OTP callback: 400 naming what is wrong', () => {
				expect(answers.noDataArray.status).toBe(400);
				expect(answers.noDataArray.body.message).toMatch(/data/);
				// an entry that is not an SMS.CX OTP object is dropped (and logged), not the whole delivery
				expect(answers.entryWithoutOtpId.status).toBe(200);
				expect(answers.noEvent.status).toBe(400);
			});

			it('a body that is not a JSON object: 400 from the trigger; broken JSON: 422 from n8n before the trigger runs', () => {
				for (const k of ['text', 'form', 'empty']) {
					expect([k, answers[k].status]).toEqual([k, 400]);
					expect(answers[k].body.message).toMatch(/^Not an SMS.CX OTP callback/);
				}
				expect(answers.badJson.status).toBe(422);
				expect(answers.badJson.body.message).toBe('Failed to parse request body');
			});

			it('another event, or a batch whose entries are all filtered out: 200, nothing started', () => {
				expect(answers.otherEvent.status).toBe(200);
				expect(answers.allFiltered.status).toBe(200);
			});

			it('a duplicate delivery (same otpId and status) is answered 200 and dropped', () => {
				expect(answers.dupFirst.status).toBe(200);
				expect(answers.dupSecond.status).toBe(200);
			});

			it('exactly two executions started: the first copy of the duplicate and the sentinel', async () => {
				const fresh = (await ctx.server.executionIds(WF.all)).filter((id) => !known.includes(id));
				expect(fresh).toHaveLength(2);
				expect(fresh).toContain(String(sentinelExec.id));
				const other = await ctx.server.execution(fresh.find((id) => id !== String(sentinelExec.id)));
				expect(items(other).map((i) => [i.otpId, i.status])).toEqual([[answers.dupFirstId, 'FAILED']]);
				expect(await ctx.server.executionIds(WF.verified)).toEqual(knownVerified);
			});
		});

		it('the opt-out ("Accept Callbacks Without Token") activates without a secret and accepts a callback without token', async () => {
			const known = await ctx.server.executionIds(WF.optOut);
			const body = callbackBody([{ status: 'CANCELLED' }]);
			const r = await ctx.server.postWebhook(PATHS.optOut, body);
			expect(r.status).toBe(200);
			const exec = await nextExecution(WF.optOut, known);
			expect(items(exec).map((i) => [i.otpId, i.status])).toEqual([[body.data[0].otpId, 'CANCELLED']]);
		});
	});
}

/**
 * Run last: n8n 2.41 answers the activation request at once and retries a failing trigger activation in the
 * background (5 attempts, 1+2+4+8 s apart) before it records the activation error; by the end of the suite it has.
 */
function defineTriggerLateCases(ctx, activation) {
	describe('SMS.CX OTP Trigger with a credential that has no webhook secret', () => {
		it('refuses to activate (naming the missing secret) and its URL is not served', async () => {
			const { error } = activation();
			let message = error && error.message;
			if (!error) {
				// 2.x: the public API said "active"; the activation error shows once n8n gave up retrying.
				message = await ctx.server.activationError(WF.noSecret, { timeoutMs: 30000 });
			}
			expect(message).toMatch(/no webhook secret/i);
			const r = await ctx.server.postWebhook(PATHS.noSecret, callbackBody([{ status: 'VERIFIED' }]), { query: `?token=${randomUUID()}` });
			expect(r.status).toBe(404);
			expect(await ctx.server.executionIds(WF.noSecret)).toEqual([]);
		}, 60000);
	});
}

module.exports = { defineTriggerCases, defineTriggerLateCases, TRIGGER_ACTIVATE: ACTIVATE, TRIGGER_WEBHOOKS: WEBHOOKS, TRIGGER_PATHS: PATHS, TRIGGER_WF: WF, TRIGGER_NO_SECRET_WF: NO_SECRET_WF };

// The user-facing example workflows (examples/*.json) run end to end in real n8n against the stand-in, as a user
// would run them: imported unchanged except for the credential (and, for the clean-up, a 2-second schedule).
'use strict';

const { example, WEBHOOK_SECRET } = require('../fixtures');
const { UUID, createOtp, verifyOtp, failOtp, wrongPinFor, nodeItems, nodesRun } = require('../helpers');

const EX = {
	hooks: { id: 'exVerifyHooks001', file: 'phone-verification-webhooks' },
	wait: { id: 'exVerifyWait0001', file: 'phone-verification-wait' },
	trigger: { id: 'exStatusTrigger1', file: 'otp-status-trigger' },
	cleanup: { id: 'exCleanupPending', file: 'cancel-pending-otps' },
	fraud: { id: 'exSignupFraud001', file: 'signup-fraud-guard' },
};

/** The example workflows to import, as a user would (only the credential changed). */
function exampleWorkflows() {
	return Object.values(EX).map(({ id, file }) => example(file, { id }));
}

const triggerPathOf = (wf) => `${wf.nodes.find((n) => n.type === 'n8n-nodes-smscx.smscxOtpTrigger').webhookId}/webhook`;
const EX_TRIGGER_PATH = triggerPathOf(example(EX.trigger.file, { id: EX.trigger.id }));

const ACTIVATE = [EX.hooks.id, EX.wait.id, EX.trigger.id, EX.cleanup.id, EX.fraud.id];
const WEBHOOKS = ['smscx/verify/start', 'smscx/verify/check', 'smscx/wait/start', 'smscx/wait/check', EX_TRIGGER_PATH, 'smscx/cleanup/watch', 'smscx/signup'];

function defineExampleCases(ctx) {
	const sentOtpId = (e) => (nodeItems(e, 'Send PIN') || [])[0]?.otpId;

	describe('example: phone verification with two webhooks (phone-verification-webhooks.json)', () => {
		it('start → 200 {otpId}; wrong PIN → 422 invalid_pin; right PIN → 200 verified; again → 422 otp_verified', async () => {
			const known = await ctx.server.executionIds(EX.hooks.id);
			const start = await ctx.server.postWebhook('smscx/verify/start', { phone: '+33612345678' });
			expect(start.status).toBe(200);
			expect(Object.keys(start.body).sort()).toEqual(['expires', 'otpId']);
			const { otpId } = start.body;
			expect(otpId).toMatch(UUID);

			const wrong = await ctx.server.postWebhook('smscx/verify/check', { otpId, pin: await wrongPinFor(ctx.standIn, otpId) });
			expect(wrong.status).toBe(422);
			expect(wrong.body).toMatchObject({ verified: false, reason: 'invalid_pin' });

			const right = await ctx.server.postWebhook('smscx/verify/check', { otpId, pin: await ctx.standIn.pinOf(otpId) });
			expect(right.status).toBe(200);
			expect(right.body).toEqual({ verified: true, otpId });
			expect((await ctx.standIn.otp(otpId)).status).toBe('VERIFIED');

			const again = await ctx.server.postWebhook('smscx/verify/check', { otpId, pin: await ctx.standIn.pinOf(otpId) });
			expect(again.status).toBe(422);
			expect(again.body).toMatchObject({ verified: false, reason: 'otp_verified' });

			// Run data: the start execution sent one OTP and answered through "Respond: PIN sent".
			const startExec = await ctx.server.waitForExecution(EX.hooks.id, { exclude: known, match: (e) => sentOtpId(e) === otpId });
			expect(startExec.status).toBe('success');
			expect(nodesRun(startExec)).toContain('Respond: PIN sent');
			expect(nodesRun(startExec)).not.toContain('Respond: could not send');
			expect(nodeItems(startExec, 'Send PIN')[0]).toMatchObject({ otpId, status: 'PENDING', phoneNumber: '+33612345678' });
		});

		it('a phone number that cannot be one: 422 naming the rule, nothing sent to SMS.CX', async () => {
			const posts = (await ctx.standIn.requests({ method: 'POST', path: '/otp' })).length;
			const r = await ctx.server.postWebhook('smscx/verify/start', { phone: 'call me maybe' });
			expect(r.status).toBe(422);
			expect(r.body.sent).toBe(false);
			expect(r.body.error).toMatch(/2020/);
			expect((await ctx.standIn.requests({ method: 'POST', path: '/otp' })).length).toBe(posts);
		});

		it('an otpId SMS.CX does not know: 400 from the error output', async () => {
			const r = await ctx.server.postWebhook('smscx/verify/check', { otpId: '00000000-0000-4000-8000-000000000000', pin: '1234' });
			expect(r.status).toBe(400);
			expect(r.body.verified).toBe(false);
			expect(r.body.error).toMatch(/404/);
		});
	});

	describe('example: sign-up with the Fraud Guard (signup-fraud-guard.json)', () => {
		const paidSends = async () => (await ctx.standIn.requests({ method: 'POST', path: '/otp' })).length;
		const signup = (phone) => ctx.server.postWebhook('smscx/signup', { phone });
		// n8n 1.x keeps only `error` on an error-output item, so there a refusal reaches "could not send" (422)
		// with the Fraud Guard's text; 2.x keeps details.fraudGuard, and the workflow answers 429 too_many_codes.
		const REFUSED = () => (ctx.flavourId === '1' ? 422 : 429);
		const expectRefusal = (r, rule, reason) => {
			if (ctx.flavourId === '1') {
				expect(r.body).toMatchObject({ sent: false, error: expect.stringMatching(/^Not sent: .*Fraud Guard.*Nothing was sent or charged/) });
				return;
			}
			expect(r.body).toMatchObject({ sent: false, reason, rule });
			if (rule === 'allowedCountries') expect(r.body.retryAt).toBeNull();
			else expect(r.body.retryAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		};

		it('20 sign-ups for one number at once: at most 5 paid, the others refused (2.x: 429 too_many_codes with retryAt)', async () => {
			const before = await paidSends();
			const answers = await Promise.all(Array.from({ length: 20 }, () => signup('+1 212 555 0199')));
			const sent = answers.filter((r) => r.status === 200);
			const refused = answers.filter((r) => r.status === REFUSED());
			console.log(`e2e fraud guard (n8n ${ctx.flavourId}.x): 20 sign-ups for one number -> ${sent.length} sent, ${refused.length} refused (${REFUSED()})`);
			expect(sent.length).toBeLessThanOrEqual(5);
			expect(sent.length + refused.length).toBe(20);
			expect(await paidSends()).toBe(before + sent.length);
			for (const r of refused) expectRefusal(r, 'maxSendsPerNumber', 'too_many_codes');
		});

		it('Allowed Countries US, CA: +1 876 (Jamaica) pays nothing, +1 212 is sent', async () => {
			const before = await paidSends();
			const jamaica = await signup('+1 876 555 0100');
			expect(jamaica.status).toBe(REFUSED());
			expectRefusal(jamaica, 'allowedCountries', 'country_not_allowed');
			expect(await paidSends()).toBe(before);
			expect((await signup('+1 212 555 0100')).status).toBe(200);
			expect(await paidSends()).toBe(before + 1);
		});

		it('range velocity 10: 100 sign-ups for sequential numbers in one 1,000-number range pay at most 10', async () => {
			const before = await paidSends();
			const answers = [];
			for (let i = 0; i < 100; i++) answers.push(await signup(`+1 212 555 ${String(1000 + i)}`));
			const sent = answers.filter((r) => r.status === 200).length;
			const refused = answers.filter((r) => r.status === REFUSED());
			console.log(`e2e fraud guard (n8n ${ctx.flavourId}.x): 100 sequential numbers in one range -> ${sent} sent, ${refused.length} refused`);
			expect(sent).toBeLessThanOrEqual(10);
			expect(sent + refused.length).toBe(100);
			for (const r of refused) expectRefusal(r, 'rangeVelocityLimit', 'too_many_codes');
			expect(await paidSends()).toBe(before + sent);
		});
	});

	describe('example: phone verification with the Wait node (phone-verification-wait.json)', () => {
		/**
		 * start → the execution waits (after the PENDING callback, if that one resumed it, looped back). The execution
		 * id is read from the resume URL SMS.CX was given: n8n 1.x's public API does not list waiting executions.
		 */
		async function startAndWait(phone) {
			const start = await ctx.server.postWebhook('smscx/wait/start', { phone });
			expect(start.status).toBe(200);
			const { otpId } = start.body;
			expect(otpId).toMatch(UUID);
			// SMS.CX was given the execution's resume URL as callback URL.
			const callbackUrl = (await ctx.standIn.otp(otpId)).otpCallbackUrl;
			expect(callbackUrl).toMatch(/\/webhook-waiting\/\d+/);
			const execId = callbackUrl.match(/\/webhook-waiting\/(\d+)/)[1];
			await ctx.standIn.flushCallbacks();
			const pendingResumed = (await ctx.standIn.callbacks()).some((d) => d.otpIds.includes(otpId) && d.httpStatus === 200);
			const waiting = await ctx.server.waitForExecutionById(execId, {
				// If the PENDING callback got through, the execution looped back: wait until it waits again.
				match: (e) =>
					e.status === 'waiting' && sentOtpId(e) === otpId && (!pendingResumed || (nodeItems(e, 'Read status') || [])[0]?.status === 'PENDING'),
				what: 'the start execution waiting for its callback',
			});
			return { otpId, execId, waiting, pendingResumed };
		}

		const finished = (execId) =>
			ctx.server.waitForExecutionById(execId, {
				match: (e) => ['success', 'error', 'crashed'].includes(e.status),
				what: 'the start execution to finish',
			});

		it('VERIFIED callback resumes the waiting execution into "Activate account"', async () => {
			const { otpId, execId, pendingResumed } = await startAndWait('+33612345678');
			const check = await ctx.server.postWebhook('smscx/wait/check', { otpId, pin: await ctx.standIn.pinOf(otpId) });
			expect(check.status).toBe(200);
			expect(check.body).toMatchObject({ verified: true, otpId, status: 'VERIFIED' });
			await ctx.standIn.flushCallbacks();
			const exec = await finished(execId);
			expect(exec.status).toBe('success');
			expect(nodeItems(exec, 'Activate account (your step)')).toEqual([
				{ action: 'activate account', phoneNumber: '+33612345678', otpId },
			]);
			expect(nodesRun(exec)).not.toContain('Verification failed (your step)');
			expect(nodesRun(exec)).not.toContain('Cancel OTP');
			const deliveries = (await ctx.standIn.callbacks()).filter((d) => d.otpIds.includes(otpId) && d.httpStatus === 200);
			expect(deliveries.map((d) => d.statuses.join(','))).toEqual(pendingResumed ? ['PENDING', 'VERIFIED'] : ['VERIFIED']);
			// The Wait node has one run per callback that resumed it (PENDING looped back to it).
			expect(exec.data.resultData.runData['Wait for the SMS.CX callback']).toHaveLength(deliveries.length);
		});

		it('too many wrong PINs: the FAILED callback resumes it into "Verification failed"', async () => {
			const { otpId, execId } = await startAndWait('+447700900123');
			const wrong = await wrongPinFor(ctx.standIn, otpId);
			let last;
			for (let i = 0; i < 4; i++) last = await ctx.server.postWebhook('smscx/wait/check', { otpId, pin: wrong });
			expect(last.body).toMatchObject({ verified: false, code: 2027 });
			await ctx.standIn.flushCallbacks();
			const exec = await finished(execId);
			expect(exec.status).toBe('success');
			expect(nodeItems(exec, 'Verification failed (your step)')).toEqual([
				{ action: 'verification failed', phoneNumber: '+447700900123', otpId, status: 'FAILED' },
			]);
			expect(nodesRun(exec)).not.toContain('Activate account (your step)');
		});
	});

	describe('example: reacting to callbacks with the trigger (otp-status-trigger.json)', () => {
		const cbUrl = () => `${ctx.server.webhookUrl(EX_TRIGGER_PATH)}?token=${WEBHOOK_SECRET}`;
		let known;
		const runs = {};

		beforeAll(async () => {
			known = await ctx.server.executionIds(EX.trigger.id);
			const seen = [...known];
			const next = async (otpId) => {
				const e = await ctx.server.waitForExecution(EX.trigger.id, {
					exclude: seen,
					match: (x) => (nodeItems(x, 'SMS.CX OTP Trigger') || []).some((i) => i.otpId === otpId),
				});
				seen.push(String(e.id));
				return e;
			};
			const verified = await createOtp(ctx.standIn, { otpCallbackUrl: cbUrl() });
			await ctx.standIn.flushCallbacks(); // PENDING: filtered out by the trigger's Statuses
			await verifyOtp(ctx.standIn, verified.otpId);
			await ctx.standIn.flushCallbacks();
			runs.verified = { otp: verified, exec: await next(verified.otpId) };

			const failed = await createOtp(ctx.standIn, { otpCallbackUrl: cbUrl(), phoneNumber: '+447700900456' });
			await failOtp(ctx.standIn, failed.otpId);
			await ctx.standIn.flushCallbacks();
			runs.failed = { otp: failed, exec: await next(failed.otpId) };

			// EXPIRED: a 60 s OTP, the stand-in clock 61 s on, then anything that looks at it notices.
			const expired = await createOtp(ctx.standIn, { otpCallbackUrl: cbUrl(), ttl: 60 });
			await ctx.standIn.advanceClock(61, { expire: false });
			expect((await ctx.standIn.api('GET', `/otp/${expired.otpId}`)).body.status).toBe('EXPIRED');
			await ctx.standIn.flushCallbacks();
			runs.expired = { otp: expired, exec: await next(expired.otpId) };
		});

		it('VERIFIED → "Activate account", with the OTP fields', () => {
			const { otp, exec } = runs.verified;
			expect(exec.status).toBe('success');
			expect(nodeItems(exec, 'Activate account (your step)')).toEqual([
				{ action: 'activate account', phoneNumber: otp.phoneNumber, otpId: otp.otpId, trackId: null },
			]);
			expect(nodesRun(exec)).not.toContain('Alert (your step)');
		});

		it('FAILED and EXPIRED → "Alert"', () => {
			for (const [status, { otp, exec }] of [
				['FAILED', runs.failed],
				['EXPIRED', runs.expired],
			]) {
				expect(exec.status).toBe('success');
				const [alert] = nodeItems(exec, 'Alert (your step)');
				expect(alert).toMatchObject({ action: 'alert', otpId: otp.otpId, status });
				expect(alert.text).toContain(`ended ${status}`);
				expect(nodesRun(exec)).not.toContain('Activate account (your step)');
			}
		});

		it('the PENDING callbacks started nothing: three executions for three outcomes, token never stored', async () => {
			const fresh = (await ctx.server.executionIds(EX.trigger.id)).filter((id) => !known.includes(id));
			expect(fresh.sort()).toEqual([runs.verified, runs.failed, runs.expired].map((r) => String(r.exec.id)).sort());
			for (const r of Object.values(runs)) expect(JSON.stringify(r.exec)).not.toContain(WEBHOOK_SECRET);
		});
	});

	describe('example: clean-up of pending OTPs (cancel-pending-otps.json)', () => {
		const otps = {};
		const watched = {};
		const execs = {};

		beforeAll(async () => {
			for (const k of ['due', 'verified', 'young', 'twin']) otps[k] = await createOtp(ctx.standIn, { ttl: 1800 });
			// "due", "verified" and "twin" are checked 3 s after being watched (0.05 min), "young" after 10 minutes.
			// "due" and "twin" are watched at the same moment: nothing shared, so neither can be lost.
			[watched.due, watched.twin] = await Promise.all(
				['due', 'twin'].map((k) => ctx.server.postWebhook('smscx/cleanup/watch', { otpId: otps[k].otpId, cancelAfterMinutes: 0.05 })),
			);
			watched.verified = await ctx.server.postWebhook('smscx/cleanup/watch', { otpId: otps.verified.otpId, cancelAfterMinutes: 0.05 });
			watched.young = await ctx.server.postWebhook('smscx/cleanup/watch', { otpId: otps.young.otpId });
			watched.bad = await ctx.server.postWebhook('smscx/cleanup/watch', { otpId: 'not-an-otp-id' });
			await verifyOtp(ctx.standIn, otps.verified.otpId);
			for (const k of ['due', 'twin', 'verified']) {
				execs[k] = await ctx.server.waitForExecutionById(watched[k].body.executionId, {
					match: (e) => ['success', 'error', 'crashed'].includes(e.status),
					what: `the clean-up of the ${k} OTP`,
				});
			}
			execs.young = await ctx.server.execution(watched.young.body.executionId);
		}, 60000);

		it('the watch webhook answers 202 at once (400 for what is not an otpId)', () => {
			for (const k of ['due', 'twin', 'verified']) {
				expect(watched[k].status).toBe(202);
				expect(watched[k].body).toMatchObject({ watching: true, otpId: otps[k].otpId, cancelAfterMinutes: 0.05 });
			}
			expect(watched.young.body).toMatchObject({ watching: true, otpId: otps.young.otpId, cancelAfterMinutes: 10 });
			expect(watched.bad.status).toBe(400);
			expect(watched.bad.body.watching).toBe(false);
		});

		it('the OTPs still PENDING when due were cancelled; the verified one was left alone', async () => {
			for (const k of ['due', 'twin']) {
				expect((await ctx.standIn.otp(otps[k].otpId)).status).toBe('CANCELLED');
				expect(execs[k].status).toBe('success');
				expect(nodeItems(execs[k], 'Cancel OTP')).toEqual([{ cancelled: true, otpId: otps[k].otpId }]);
			}
			expect((await ctx.standIn.otp(otps.verified.otpId)).status).toBe('VERIFIED');
			expect(nodeItems(execs.verified, 'Get Status')[0]).toMatchObject({ otpId: otps.verified.otpId, status: 'VERIFIED' });
			expect(nodesRun(execs.verified)).toContain('Nothing to do');
			expect(nodesRun(execs.verified)).not.toContain('Cancel OTP');
			const deletes = (await ctx.standIn.requests({ method: 'DELETE', pathRegex: '^/otp/' })).map((r) => r.path.slice('/otp/'.length));
			const ours = deletes.filter((id) => Object.values(otps).some((o) => o.otpId === id));
			expect(ours.sort()).toEqual([otps.due.otpId, otps.twin.otpId].sort());
		});

		it('the OTP not due yet waits in the database (execution status waiting), still PENDING', async () => {
			expect(execs.young.status).toBe('waiting');
			expect(execs.young.waitTill).toBeTruthy();
			expect(new Date(execs.young.waitTill).getTime() - Date.now()).toBeGreaterThan(8 * 60 * 1000);
			expect((await ctx.standIn.otp(otps.young.otpId)).status).toBe('PENDING');
		});
	});
}

module.exports = { defineExampleCases, exampleWorkflows, EXAMPLE_ACTIVATE: ACTIVATE, EXAMPLE_WEBHOOKS: WEBHOOKS, EXAMPLE_IDS: EX };

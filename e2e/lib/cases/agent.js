// The OTP node as tools of n8n's AI Agent, in real n8n: Webhook → AI Agent (OpenAI Chat Model on our scripted,
// OpenAI-compatible server, e2e/lib/model.js) with four SMS.CX OTP tool nodes (Send, Verify, Get Status, Cancel).
// The scripted model plays each scenario step by step, reading PINs from the stand-in's control surface; the
// assertions are on what the model received (tools, descriptions, schemas, tool results) and on the stand-in's
// request log (paid sends).
'use strict';

const { workflow, example, WEBHOOK_SECRET, OAUTH_CLIENTS } = require('../fixtures');
const { UUID, wrongPinFor } = require('../helpers');
const { modelCredential, toolCall, say } = require('../model');

const AGENT_WF = 'e2eAgentVerify01';
const AGENT_WEBHOOK = 'e2e-agent';
const EXAMPLE_WF = 'exAiAgentVerify1';
const EXAMPLE_FILE = 'ai-agent-phone-verification';
// AI Agent version n8n adds today: 3.1 in 2.41, 3 in 1.123.
const AGENT_VERSION = { 2: 3.1, 1: 3 };
const UUID_IN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The agent workflow for one flavour, on the stand-in and the scripted model's credential. */
function agentWorkflows(flavourId, { standInUrl, model }) {
	const cred = modelCredential(model);
	const wf = workflow('agent', { standInUrl, id: AGENT_WF, extra: { MODEL_CRED_ID: cred.id, MODEL_CRED_NAME: cred.name } });
	wf.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.agent').typeVersion = AGENT_VERSION[flavourId];
	return [wf, example(EXAMPLE_FILE, { id: EXAMPLE_WF })];
}

/** The example's chat URL path: the Chat Trigger's production webhook, <webhookId>/chat. */
const chatPath = () => `${example(EXAMPLE_FILE, { id: EXAMPLE_WF }).nodes.find((n) => n.type.endsWith('.chatTrigger')).webhookId}/chat`;

/** The last tool message the model received, parsed (n8n hands tool output over as a JSON array). */
function lastToolResult(request) {
	const tool = [...request.messages].reverse().find((m) => m.role === 'tool');
	const value = JSON.parse(tool.content);
	return Array.isArray(value) ? value[0] : value;
}

function defineAgentCases(ctx) {
	const paidSends = async () => (await ctx.standIn.requests({ method: 'POST', path: '/otp' })).length;
	/** Runs one conversation turn: queues the script, posts the message, checks the script was used up. */
	async function converse(message, ...steps) {
		const from = ctx.model.requests.length;
		ctx.model.script(...steps);
		const r = await ctx.server.postWebhook(AGENT_WEBHOOK, { message });
		expect(ctx.model.pending()).toBe(0);
		return { status: r.status, answer: r.body && r.body.output, requests: ctx.model.requests.slice(from) };
	}

	describe('AI Agent with the SMS.CX OTP tools (scripted model)', () => {
		it('the model is offered four tools, each with its own description, and typed schemas', async () => {
			const { requests } = await converse('hello', say('Hello'));
			const tools = Object.fromEntries(requests[0].tools.map((t) => [t.name, t]));
			expect(Object.keys(tools).sort()).toEqual(['Cancel_OTP', 'Get_OTP_Status', 'Send_OTP', 'Verify_OTP']);
			expect(new Set(Object.values(tools).map((t) => t.description)).size).toBe(4);
			expect(tools.Send_OTP.description).toMatch(/COSTS MONEY/);
			expect(tools.Send_OTP.description).toMatch(/E\.164/);
			expect(tools.Verify_OTP.description).toMatch(/invalid_pin/);
			expect(tools.Send_OTP.parameters).toMatchObject({ type: 'object', required: ['phoneNumber'], properties: { phoneNumber: { type: 'string' } } });
			expect(tools.Verify_OTP.parameters.required.sort()).toEqual(['otpId', 'pin']);
		});

		it('send, a wrong PIN, then the right PIN: one paid SMS, verified: false (2029) then verified: true', async () => {
			const before = await paidSends();
			let otpId;
			let pin;
			const { status, answer, requests } = await converse(
				'Please verify my number +33612340101',
				(r) => toolCall(r, /send/i, { phoneNumber: '+33612340101' }),
				async (r) => {
					({ otpId } = lastToolResult(r));
					pin = await ctx.standIn.pinOf(otpId);
					return toolCall(r, /verify/i, { otpId, pin: await wrongPinFor(ctx.standIn, otpId) });
				},
				(r) => toolCall(r, /verify/i, { otpId, pin }),
				say('Your number is verified.'),
			);
			expect(status).toBe(200);
			expect(answer).toBe('Your number is verified.');
			const sent = lastToolResult(requests[1]);
			expect(sent).toMatchObject({ otpId: expect.stringMatching(UUID), status: 'PENDING', phoneNumber: '+33612340101' });
			expect(sent.otpCallbackUrl).toMatch(/token=\*\*\*$/);
			expect(lastToolResult(requests[2])).toMatchObject({ verified: false, otpId, code: 2029, type: 'invalid_pin' });
			expect(lastToolResult(requests[3])).toMatchObject({ verified: true, otpId, status: 'VERIFIED', phoneNumber: '+33612340101' });
			expect((await paidSends()) - before).toBe(1);
		});

		describe('malformed calls: refused before anything is sent', () => {
			let results;
			let sendsBefore;
			beforeAll(async () => {
				sendsBefore = await paidSends();
				const { requests } = await converse(
					'malformed calls',
					(r) => toolCall(r, /send/i, '{}'),
					(r) => toolCall(r, /send/i, { phoneNumber: '' }),
					(r) => toolCall(r, /send/i, { phoneNumber: 'abc' }),
					(r) => toolCall(r, /verify/i, { otpId: 'the-otp-i-got', pin: '1234' }),
					(r) => toolCall(r, /status/i, { otpId: '00000000-0000-4000-8000-000000000000' }),
					say('I could not do it.'),
				);
				results = requests.slice(1).map(lastToolResult);
			}, 120000);

			it('each answer names the field; 0 paid sends', async () => {
				expect(results).toHaveLength(5);
				expect(results[0].error).toMatch(/phoneNumber/);
				expect(results[1].error).toMatch(/phoneNumber/);
				expect(results[2].error).toMatch(/phoneNumber.*"abc"/);
				expect(results[3].error).toMatch(/otpId.*"the-otp-i-got"/);
				expect(results[4].error).toMatch(/2021/);
				expect((await paidSends()) - sendsBefore).toBe(0);
			});

			// n8n hands the model only the error's message (not its description), so the message itself must say how
			// to fix the call.
			const fixes = [
				['Send {}', 0, /E\.164|e\.g\. \+\d/, true],
				['Send with an empty phone number', 1, /E\.164|e\.g\. \+\d/, true],
				['Send with "abc"', 2, /E\.164|e\.g\. \+\d/, true],
				['Verify with a malformed otpId', 3, /otpId.*\bSend\b|\bSend\b.*otpId/, true],
				// SMS.CX was asked here (a free GET), so only the fix is expected
				['Get Status with an unknown otpId', 4, /otpId.*\bSend\b|\bSend\b.*otpId/, false],
			];
			for (const [what, index, fix, nothingSent] of fixes) {
				it(`${what}: the message says how to fix the call${nothingSent ? ' and that nothing was sent' : ''}`, () => {
					expect(results[index].error).toMatch(fix);
					if (nothingSent) expect(results[index].error).toMatch(/nothing was sent|not sent/i);
				});
			}
		});

		it('a model that loops on Send pays once; the repeats are refused with "verify or wait"; Verify frees the number', async () => {
			const before = await paidSends();
			const phoneNumber = '+33612340202';
			const send = (r) => toolCall(r, /send/i, { phoneNumber });
			let otpId;
			const { requests } = await converse(
				'verify +33612340202',
				send,
				(r) => {
					({ otpId } = lastToolResult(r));
					return send(r);
				},
				send,
				send,
				send,
				async (r) => toolCall(r, /verify/i, { otpId, pin: await ctx.standIn.pinOf(otpId) }),
				send,
				say('Done.'),
			);
			const refusals = requests.slice(2, 6).map(lastToolResult);
			for (const refusal of refusals) {
				expect(refusal.error).toMatch(/^Not sent: an OTP to this phone number is still pending/);
				expect(refusal.error).toMatch(/Nothing was sent or charged/);
				expect(refusal.error).toMatch(/call Verify/);
			}
			expect(lastToolResult(requests[6])).toMatchObject({ verified: true, otpId });
			// verified, so the number is free again: the last Send went out
			expect(lastToolResult(requests[7])).toMatchObject({ status: 'PENDING', phoneNumber });
			expect((await paidSends()) - before).toBe(2);
		});

		it('the example chat agent (examples/ai-agent-phone-verification.json) verifies a number over three chat turns', async () => {
			await ctx.server.ensureOwner();
			const sessionId = `e2e-${Date.now()}`;
			const chat = async (chatInput) => {
				// n8n User Auth: the chat answers signed-in n8n users only (the owner's session cookie)
				const r = await ctx.server.postWebhook(chatPath(), { action: 'sendMessage', sessionId, chatInput }, { headers: { cookie: ctx.server.cookie } });
				expect(r.status).toBe(200);
				return r.body.output;
			};
			const before = await paidSends();
			expect(await chat('Hi')).toMatch(/phone number/);
			const sent = await chat('My number is +33 6 12 34 03 03');
			expect(sent).toMatch(/I sent a code by SMS to \+33612340303/);
			const otpId = sent.match(UUID_IN)[0];
			expect(await chat(await wrongPinFor(ctx.standIn, otpId))).toMatch(/not right/);
			expect(await chat(await ctx.standIn.pinOf(otpId))).toMatch(/verified/);
			expect((await ctx.standIn.otp(otpId)).status).toBe('VERIFIED');
			expect((await paidSends()) - before).toBe(1);
		});

		it('nothing the model received holds a key, token, webhook secret or any PIN', async () => {
			const { apiKey, accessToken } = ctx.standIn;
			const secrets = [apiKey, accessToken, WEBHOOK_SECRET, OAUTH_CLIENTS.short.applicationSecret, OAUTH_CLIENTS.long.applicationSecret];
			// The PINs of the OTPs the scripted agent sent: 10 letters, so they cannot turn up by chance in dates or IDs
			// (the example's 4-digit PINs could).
			const seen = JSON.stringify(ctx.model.requests.map((r) => r.body));
			const pins = (await ctx.standIn.otps()).filter((otp) => seen.includes(otp.otpId) && otp.pin.length === 10).map((otp) => otp.pin);
			expect(pins.length).toBeGreaterThanOrEqual(3);
			expect(ctx.model.requests.length).toBeGreaterThan(10);
			for (const request of ctx.model.requests) {
				const everything = JSON.stringify(request.body);
				for (const secret of secrets) expect(everything).not.toContain(secret);
				// What n8n wrote (system prompt, tool list, tool results); the model's calls and the user's messages carry the
				// PINs they typed.
				const fromN8n = JSON.stringify([request.tools, request.messages.filter((m) => m.role === 'system' || m.role === 'tool')]);
				for (const pin of pins) expect(fromN8n).not.toContain(pin);
			}
		});
	});
}

module.exports = { defineAgentCases, agentWorkflows, AGENT_ACTIVATE: [AGENT_WF, EXAMPLE_WF], AGENT_WEBHOOKS: [AGENT_WEBHOOK] };

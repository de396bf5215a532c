// A scripted, OpenAI-compatible chat-completions server: it plays the model behind n8n's OpenAI Chat Model node
// (credential field `url` = this server's `${url}`), with no dependencies. It records every request (the tools
// with their descriptions and schemas, the messages, the tool results), and answers either from a script (steps
// queued by a test) or, when no step is queued, with a small rule-based "phone verification" brain the demo uses.
//
//   const model = await startModel();             // model.url = 'http://127.0.0.1:<port>/v1'
//   model.script(step, step, …);                  // each step: (request) => reply | Promise<reply>, or a reply
//   reply = toolCall(request, /send/i, { phoneNumber: '+33…' }) | toolCall(request, /send/i, '{}') | say('text')
//   model.requests                                // [{ body, tools, messages }] in arrival order
//
// Only POST /v1/chat/completions is served (plain JSON, or server-sent events when the request asks to stream);
// the Responses API (/v1/responses) answers 404 with a hint, so a workflow that forgot to turn it off fails loudly.
'use strict';

const http = require('http');

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const MODEL_ID = 'scripted-model';

/** A text answer. */
function say(text) {
	return { content: String(text) };
}

/** The tool offered in `request` whose name matches `pattern` (a RegExp or exact name). */
function findTool(request, pattern) {
	const tools = request.tools || [];
	const match = tools.find((t) => (pattern instanceof RegExp ? pattern.test(t.name) : t.name === pattern));
	if (!match) throw new Error(`scripted model: no tool matching ${pattern} among ${tools.map((t) => t.name).join(', ')}`);
	return match;
}

/**
 * A call of the tool matching `pattern`. `args` is an object (its keys are mapped onto the tool's schema keys by a
 * case-insensitive match, so a script can say { phoneNumber } whatever the workflow named the $fromAI key) or a raw
 * string sent as is (for malformed calls such as '{}').
 */
function toolCall(request, pattern, args = {}) {
	const tool = findTool(request, pattern);
	let text = args;
	if (typeof args !== 'string') {
		const keys = Object.keys((tool.parameters && tool.parameters.properties) || {});
		const mapped = {};
		for (const [key, value] of Object.entries(args)) {
			const simple = key.toLowerCase().replace(/[^a-z]/g, '');
			mapped[keys.find((k) => k.toLowerCase().replace(/[^a-z]/g, '').includes(simple)) || key] = value;
		}
		text = JSON.stringify(mapped);
	}
	return { toolCalls: [{ name: tool.name, arguments: text }] };
}

/** What the model was given in one request, in a shape tests can read. */
function digest(body) {
	const tools = (body.tools || []).map((t) => ({
		name: t.function && t.function.name,
		description: t.function && t.function.description,
		parameters: t.function && t.function.parameters,
	}));
	const messages = (body.messages || []).map((m) => ({
		role: m.role,
		content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content),
		toolCalls: (m.tool_calls || []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
		toolCallId: m.tool_call_id,
	}));
	return { body, tools, messages };
}

/** Tool results since the last user message, each with the call that asked for it. */
function lastToolResults(request) {
	const out = [];
	const calls = new Map();
	for (const m of request.messages) {
		if (m.role === 'user') out.length = 0;
		for (const c of m.toolCalls) calls.set(c.id, c);
		if (m.role === 'tool') out.push({ call: calls.get(m.toolCallId), content: m.content });
	}
	return out;
}

function parseLoose(text) {
	try {
		const value = JSON.parse(text);
		// n8n wraps tool output in arrays or { response } depending on the version
		if (Array.isArray(value) && value.length === 1) return parseLoose(JSON.stringify(value[0]));
		if (value && typeof value.response === 'string') return parseLoose(value.response);
		return value;
	} catch {
		return text;
	}
}

/**
 * The demo's model: enough of a phone-verification assistant to be driven from n8n's chat. A number with a "+"
 * → Send; a bare code while an OTP ID is in the conversation → Verify; after a tool result, it says what happened
 * (and repeats the OTP ID, so a chat memory that keeps only the text still has it).
 */
function demoBrain(request) {
	const results = lastToolResults(request);
	if (results.length > 0) {
		const { call, content } = results[results.length - 1];
		const value = parseLoose(content);
		const text = typeof value === 'string' ? value : JSON.stringify(value);
		if (value && value.otpId && value.status === 'PENDING') {
			return say(`I sent a code by SMS to ${value.phoneNumber}. Please type it here. (OTP ID ${value.otpId})`);
		}
		if (value && value.verified === true) return say('Thank you: your phone number is verified.');
		if (value && value.verified === false) {
			return say(
				value.type === 'invalid_pin'
					? 'That code is not right. Please check the SMS and type it again.'
					: `That code can no longer be used (${value.type}). Send me your number again for a new one.`,
			);
		}
		return say(`The ${call ? call.name : 'tool'} call did not work: ${text}`);
	}
	const users = request.messages.filter((m) => m.role === 'user');
	const last = users.length ? users[users.length - 1].content : '';
	const phone = last.match(/\+\d[\d\s().-]{5,}\d/);
	if (phone) return toolCall(request, /send/i, { phoneNumber: phone[0].replace(/[\s().-]/g, '') });
	const code = last.match(/^\W*([A-Za-z0-9]{4,10})\W*$/);
	const otpIds = request.messages.map((m) => m.content.match(UUID_IN_TEXT) || []).flat();
	if (code && otpIds.length) return toolCall(request, /verify/i, { otpId: otpIds[otpIds.length - 1], pin: code[1] });
	return say('Hello! Send me your phone number in international format (for example +33612246400) and I will text you a code.');
}

function completion(reply, id) {
	const toolCalls = (reply.toolCalls || []).map((c, i) => ({
		id: `call_${id}_${i}`,
		type: 'function',
		function: { name: c.name, arguments: c.arguments },
	}));
	const message = { role: 'assistant', content: toolCalls.length ? null : reply.content || '' };
	if (toolCalls.length) message.tool_calls = toolCalls;
	return {
		id: `chatcmpl-${id}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: MODEL_ID,
		choices: [{ index: 0, message, logprobs: null, finish_reason: toolCalls.length ? 'tool_calls' : 'stop' }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same answer as server-sent events (chunks), for clients that stream. */
function chunks(full) {
	const { message, finish_reason: finishReason } = full.choices[0];
	const base = { id: full.id, object: 'chat.completion.chunk', created: full.created, model: full.model };
	const delta = { role: 'assistant', content: message.content ?? null };
	if (message.tool_calls) delta.tool_calls = message.tool_calls.map((c, index) => ({ index, ...c }));
	return [
		{ ...base, choices: [{ index: 0, delta, finish_reason: null }] },
		{ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }], usage: full.usage },
	];
}

/**
 * Starts the server on 127.0.0.1.
 * @returns {Promise<{url: string, requests: object[], script: Function, pending: () => number, reset: Function, close: Function}>}
 */
async function startModel({ port = 0, log = () => {} } = {}) {
	const requests = [];
	const queue = [];
	let counter = 0;

	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (c) => (raw += c));
		req.on('end', async () => {
			const send = (status, value) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(value));
			};
			try {
				const route = req.url.split('?')[0].replace(/\/+$/, '');
				if (req.method === 'GET' && route.endsWith('/models')) {
					return send(200, { object: 'list', data: [{ id: MODEL_ID, object: 'model', owned_by: 'smscx-e2e' }] });
				}
				if (req.method !== 'POST' || !route.endsWith('/chat/completions')) {
					return send(404, {
						error: { message: `scripted model: only POST /v1/chat/completions is served (got ${req.method} ${route}); turn off "Use Responses API" in the OpenAI Chat Model node`, type: 'invalid_request_error' },
					});
				}
				const body = JSON.parse(raw || '{}');
				const request = digest(body);
				requests.push(request);
				const step = queue.length ? queue.shift() : demoBrain;
				const reply = typeof step === 'function' ? await step(request) : step;
				const full = completion(reply, ++counter);
				log(`model ← ${request.messages.length} messages, ${request.tools.length} tools → ${JSON.stringify(full.choices[0].message)}`);
				if (!body.stream) return send(200, full);
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				for (const chunk of chunks(full)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
				res.end('data: [DONE]\n\n');
			} catch (error) {
				send(500, { error: { message: `scripted model: ${error.message}`, type: 'server_error' } });
			}
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	const url = `http://127.0.0.1:${server.address().port}/v1`;
	return {
		url,
		requests,
		/** Queues steps; each answers one request, in order. When none is queued the demo brain answers. */
		script: (...steps) => queue.push(...steps),
		pending: () => queue.length,
		reset: () => {
			requests.length = 0;
			queue.length = 0;
		},
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

const SCRIPTED_MODEL_CRED = { id: 'scriptedModel001', name: 'Scripted model (OpenAI-compatible, local)' };

/**
 * The OpenAI credential n8n imports for the scripted model (the key is a placeholder it never checks). Example
 * workflows loaded with fixtures.example() point their OpenAI Chat Model at it.
 */
function modelCredential(model) {
	return { ...SCRIPTED_MODEL_CRED, type: 'openAiApi', data: { apiKey: 'sk-scripted-model-placeholder', url: model.url } };
}

/**
 * For `npm run demo`: the scripted model on a fixed port when free (so the imported credential stays the same from
 * run to run), answering with the demo brain, and its credential to import with the SMS.CX ones.
 */
async function startDemoModel({ port = 4011, log } = {}) {
	const { portInUse, freePort } = require('./proc');
	const model = await startModel({ port: (await portInUse(port)) ? await freePort() : port, log });
	return { model, credential: modelCredential(model), stop: () => model.close() };
}

/** The production chat URL path of a workflow's Chat Trigger: <webhookId>/chat. */
function chatPathOf(wf) {
	const node = wf && wf.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger');
	return node ? `${node.webhookId}/chat` : undefined;
}

/**
 * For `npm run demo -- --headless`: the AI example's chat as a signed-in user would type it (n8n User Auth: the
 * server's owner session), with the demo brain playing the model: number → code sent → the PIN read from the
 * stand-in → verified. Resolves { ok, detail } and leaves the OTP VERIFIED.
 */
async function demoAgentChat({ server, standIn, wf, phone = '+33612345679' }) {
	await server.ensureOwner();
	const sessionId = `demo-${Date.now()}`;
	const chat = async (chatInput) => {
		const r = await server.postWebhook(chatPathOf(wf), { action: 'sendMessage', sessionId, chatInput }, { headers: { cookie: server.cookie } });
		if (r.status !== 200) throw new Error(`chat answered HTTP ${r.status}: ${r.text.slice(0, 200)}`);
		return String(r.body && r.body.output);
	};
	try {
		const sent = await chat(`My number is ${phone}`);
		const otpId = (sent.match(UUID_IN_TEXT) || [])[0];
		if (!otpId) return { ok: false, detail: `no OTP sent: "${sent}"` };
		const done = await chat(await standIn.pinOf(otpId));
		const status = (await standIn.otp(otpId)).status;
		return { ok: /verified/.test(done) && status === 'VERIFIED', detail: `"${sent}" → "${done}" (OTP ${status})` };
	} catch (error) {
		return { ok: false, detail: error.message };
	}
}

module.exports = { startModel, startDemoModel, chatPathOf, demoAgentChat, modelCredential, SCRIPTED_MODEL_CRED, toolCall, findTool, say, demoBrain, lastToolResults, parseLoose };

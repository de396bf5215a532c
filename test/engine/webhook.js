// Serves the SMS.CX OTP Trigger over real HTTP the way n8n's webhook server does, so callbacks from the SMS.CX
// stand-in go through the same steps as in n8n 2.x (packages/cli/src/webhooks: live-webhooks.ts, test-webhooks.ts,
// webhook-helpers.ts executeWebhook; middlewares/body-parser.ts):
//   - activation runs webhookMethods.default.checkExists, then create, in n8n-core's HookContext; a webhook is only
//     served once that succeeded (n8n answers 404 otherwise);
//   - each request gets the workflow with a fresh copy of the saved static data, a body parsed like n8n's
//     parseBody (application/json → object, text/plain → string, invalid JSON → 422 before the node runs), and the
//     query parsed like Express 5 (repeated keys become arrays);
//   - the node's webhook() runs in n8n-core's WebhookContext with the real request and response objects;
//   - the result is handled like executeWebhook: noWebhookResponse → the node answered; no workflowData → 200
//     {"message":"Webhook call received"} (or webhookResponse); workflowData → the execution starts in n8n-core's
//     WorkflowExecute and, unless the node answered, the onReceived answer (the webhook's responseData) goes out
//     once the execution exists; a throw → 500;
//   - production (mode 'webhook') saves changed static data when the answer is sent, as LiveWebhooks does; the Test
//     URL (mode 'manual') never saves it and stops listening once it started an execution, as TestWebhooks does;
//   - starting an execution wraps the request's static data object in a new Workflow first (WorkflowRunner's
//     establishContextForPersistence), which clears its "changed" flag: so, as in n8n 2.41, what webhook() wrote
//     is only saved if the answer went out before the execution started (or the saved static data was empty).
// n8n reads the workflow from its database for each request, inserts the execution before answering, and then
// saves the static data: `storageLatencyMs` puts a wait at each of those points, so callbacks that arrive together
// interleave there as they do in n8n.
// Simplified on purpose: a throwing webhook() is recorded as a failed execution without running the workflow,
// XML and multipart bodies are not parsed, and there is no CORS, binary data or response-header handling.
'use strict';

const http = require('http');
const path = require('path');
const querystring = require('querystring');
const { randomUUID } = require('crypto');
const { WebhookContext, HookContext, WorkflowExecute, ExecutionLifecycleHooks } = require('n8n-core');
const { Workflow, createRunExecutionData, jsonParse } = require('n8n-workflow');
const { nodeTypesOf } = require('./harness');
const { parseIncomingMessage } = require('@n8n/backend-network');

const dist = path.join(__dirname, '..', '..', 'dist');
const { SmscxApi } = require(path.join(dist, 'credentials', 'SmscxApi.credentials.js'));
const { SmscxOtpTrigger } = require(path.join(dist, 'nodes', 'SmscxOtpTrigger', 'SmscxOtpTrigger.node.js'));

const TRIGGER = 'SMS.CX OTP Trigger';
const NEXT = 'Next';

// n8n-nodes-base's No Operation node, reduced to what the engine needs: proves the items reach the next node.
class NoOp {
	constructor() {
		this.description = {
			displayName: 'No Operation',
			name: 'noOp',
			group: ['organization'],
			version: 1,
			defaults: { name: 'No Operation' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		};
	}
	async execute() {
		return [this.getInputData()];
	}
}

const nodeClasses = {
	'n8n-nodes-smscx.smscxOtpTrigger': new SmscxOtpTrigger(),
	'n8n-nodes-base.noOp': new NoOp(),
};
const credentialTypes = { smscxApi: new SmscxApi() };
const nodeTypes = nodeTypesOf(nodeClasses);

// The part of n8n's CredentialsHelper a trigger uses: the decrypted credential.
function credentialsHelperFor(credentials) {
	return {
		getParentTypes: () => [],
		isCredentialUsableByNode: () => true,
		getCredentialsProperties: (type) => credentialTypes[type].properties,
		getDecrypted: async () => ({ ...credentials }),
		authenticate: async (_credentials, _type, requestOptions) => requestOptions,
		preAuthentication: async () => undefined,
		runPreAuthentication: async () => undefined,
		updateCredentials: async () => {},
		updateCredentialsOauthTokenData: async () => {},
		getCredentials: async () => {
			throw new Error('not used by the trigger');
		},
	};
}

const readRawBody = (req) =>
	new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});

// middlewares/body-parser.ts parseBody (minus XML), with rawBody kept on the request as n8n does.
async function parseBody(req) {
	parseIncomingMessage(req);
	req.rawBody = await readRawBody(req);
	if (!req.rawBody.length) return;
	const text = () => req.rawBody.toString(req.encoding || 'utf-8').replace(/^\uFEFF/, '');
	try {
		if (req.contentType === 'application/json') req.body = jsonParse(text());
		else if (req.contentType === 'application/x-www-form-urlencoded') req.body = querystring.parse(text());
		else if (req.contentType === 'text/plain') req.body = text();
	} catch (error) {
		throw Object.assign(new Error(`Failed to parse request body: ${error.message}`), { httpStatusCode: 422 });
	}
}

function send(res, status, body) {
	if (res.headersSent || res.writableEnded) return;
	// Express's res.json(undefined) sends an empty body.
	const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(text);
}

const withoutFlag = (staticData) => {
	const copy = JSON.parse(JSON.stringify(staticData));
	delete copy.__dataChanged;
	return copy;
};

/**
 * Starts an n8n-like webhook server for a workflow "SMS.CX OTP Trigger → Next".
 * @param {object} opts
 * @param {object} opts.parameters    the trigger's parameters
 * @param {object} opts.credentials   smscxApi credential data
 * @param {'webhook'|'manual'} [opts.mode]  'webhook' = Production URL of a published workflow (default),
 *                                          'manual' = Test URL while "Listen for test event" is on
 * @param {object} [opts.staticData]  the workflow's saved static data, e.g. from a previous server ("restart")
 * @param {number} [opts.storageLatencyMs]  time each database round trip takes
 */
async function startTriggerServer({ parameters, credentials, mode = 'webhook', staticData = null, storageLatencyMs = 5 }) {
	const webhookId = randomUUID();
	const triggerNode = {
		id: 'trigger-node',
		name: TRIGGER,
		type: 'n8n-nodes-smscx.smscxOtpTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { smscxApi: { id: 'cred-1', name: 'SMS.CX account' } },
		webhookId,
	};
	const workflowData = {
		id: 'wf-trigger-test',
		name: 'trigger test',
		active: mode === 'webhook',
		nodes: [triggerNode, { id: 'next-node', name: NEXT, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [200, 0], parameters: {} }],
		connections: { [TRIGGER]: { main: [[{ node: NEXT, type: 'main', index: 0 }]] } },
		settings: {},
	};
	const description = nodeClasses[triggerNode.type].description.webhooks[0];
	const urlPath = `/${mode === 'manual' ? 'webhook-test' : 'webhook'}/${webhookId}/${description.path}`;

	const state = {
		// the workflow row's staticData column: null until something was saved
		staticData: staticData === null ? null : withoutFlag(staticData),
		listening: false,
		executions: [],
		requests: [],
		pending: new Set(),
		executionCounter: 0,
	};
	let baseUrl;
	const storage = () => new Promise((resolve) => setTimeout(resolve, storageLatencyMs));

	const additionalDataFor = (extra = {}) => ({
		credentialsHelper: credentialsHelperFor(credentials),
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: `${baseUrl}/`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		...extra,
	});
	// Like LiveWebhooks: the workflow as stored, with the static data read from the database for this request.
	const readStaticData = () => (state.staticData === null ? null : structuredClone(state.staticData));
	const workflowWith = (staticData) => new Workflow({ ...structuredClone(workflowData), nodeTypes, staticData });
	const loadWorkflow = () => {
		const raw = readStaticData();
		return { workflow: workflowWith(raw), raw };
	};
	// WorkflowStaticDataService.saveStaticData
	async function saveStaticData(workflow) {
		if (mode !== 'webhook' || workflow.staticData.__dataChanged !== true) return;
		const changed = withoutFlag(workflow.staticData);
		await storage();
		state.staticData = changed;
	}
	const webhookDataFor = (workflow, additionalData) => ({
		httpMethod: description.httpMethod,
		node: TRIGGER,
		path: `${webhookId}/${description.path}`,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId,
		isTest: mode === 'manual',
	});

	// WorkflowRunner → WorkflowExecute.processRunExecutionData with the trigger's items on the stack.
	function startExecution(raw, additionalData, workflowItems) {
		workflowWith(raw); // establishContextForPersistence: same static data object, flag cleared
		const workflow = workflowWith(readStaticData()); // runMainProcess reloads the static data
		const executionId = `exec-${++state.executionCounter}`;
		additionalData.executionId = executionId;
		additionalData.hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
		const node = workflow.getNode(TRIGGER);
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node, data: { main: workflowItems }, source: null }] },
		});
		const done = new WorkflowExecute(additionalData, mode, runExecutionData)
			.processRunExecutionData(workflow)
			.then((run) => {
				const output = (name) => ((run.data.resultData.runData[name] || [])[0]?.data?.main?.[0] || []).map((i) => i.json);
				state.executions.push({
					id: executionId,
					mode,
					status: run.status,
					items: output(TRIGGER),
					nextItems: output(NEXT),
					error: run.data.resultData.error,
					serialized: JSON.stringify(run.data),
				});
			});
		return done;
	}

	async function handle(req, res) {
		const url = new URL(req.url, baseUrl);
		if (req.method !== 'POST' || url.pathname !== urlPath || !state.listening) {
			return send(res, 404, { code: 404, message: `The requested webhook "${url.pathname}" is not registered.` });
		}
		req.query = querystring.parse(url.search.slice(1));
		req.params = {};
		try {
			await parseBody(req);
		} catch (error) {
			return send(res, error.httpStatusCode, { code: error.httpStatusCode, message: error.message });
		}

		await storage();
		const { workflow, raw } = loadWorkflow();
		const node = workflow.getNode(TRIGGER);
		const additionalData = additionalDataFor({ httpRequest: req, httpResponse: res });
		const webhookData = webhookDataFor(workflow, additionalData);
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);

		let result;
		try {
			result = await nodeClasses[node.type].webhook.call(context);
		} catch (error) {
			send(res, 500, { code: 500, message: 'Workflow Webhook Error: Workflow could not be started!' });
			state.executions.push({ id: `exec-${++state.executionCounter}`, mode, status: 'error', items: [], nextItems: [], error, serialized: '' });
			return undefined;
		}

		// A test URL serves one execution: stop listening before anything else is awaited, since the node may
		// have answered already and the test may be listening again by the time this execution is stored.
		if (mode === 'manual' && result.workflowData !== undefined) state.listening = false;
		if (result.noWebhookResponse === true) {
			await saveStaticData(workflow); // the node answered: n8n's response callback runs now
		} else if (result.workflowData === undefined) {
			send(res, 200, result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' });
			await saveStaticData(workflow);
		}
		if (result.workflowData === undefined) return undefined;

		await storage(); // the execution row
		const execution = startExecution(raw, additionalData, result.workflowData);
		if (result.noWebhookResponse !== true) {
			// onReceived: answered once the execution exists, with the webhook's responseData
			const responseData = workflow.expression.getComplexParameterValue(
				node, description.responseData, mode, {}, undefined, 'firstEntryJson');
			const body =
				responseData === 'noData' ? undefined
					: responseData ? responseData
						: result.webhookResponse !== undefined ? result.webhookResponse
							: { message: 'Workflow was started' };
			send(res, 200, body);
			await saveStaticData(workflow);
		}
		return execution;
	}

	const server = http.createServer((req, res) => {
		const work = handle(req, res)
			.catch((error) => send(res, 500, { code: 500, message: error.message }))
			.finally(() => state.pending.delete(work));
		state.pending.add(work);
		// Keeps a copy of every answer (the node's own included) so tests can search it.
		const end = res.end.bind(res);
		res.end = (chunk, ...rest) => {
			state.requests.push({ status: res.statusCode, text: chunk === undefined ? '' : String(chunk) });
			return end(chunk, ...rest);
		};
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${server.address().port}`;

	return {
		/** the trigger's URL (Production or Test), without token */
		url: `${baseUrl}${urlPath}`,
		get executions() {
			return state.executions;
		},
		/** one { status, text } per answered request, in the order they were answered */
		get responses() {
			return state.requests;
		},
		/** the static data as n8n would have saved it */
		get staticData() {
			return readStaticData();
		},
		/**
		 * Publishing the workflow (or "Listen for test event"): checkExists, then create when it answers false, in
		 * n8n-core's HookContext, like WebhookService.createWebhookIfNotExists. Rejects with the node's error.
		 */
		async activate() {
			const { workflow } = loadWorkflow();
			const additionalData = additionalDataFor();
			const webhookData = webhookDataFor(workflow, additionalData);
			const activation = mode === 'manual' ? 'manual' : 'activate';
			const methods = nodeClasses[triggerNode.type].webhookMethods.default;
			const hook = () => new HookContext(workflow, workflow.getNode(TRIGGER), additionalData, mode, activation, webhookData);
			if (!(await methods.checkExists.call(hook()))) await methods.create.call(hook());
			state.listening = true;
		},
		/** waits until every request answered so far has finished, executions included */
		async settle() {
			while (state.pending.size) await Promise.allSettled([...state.pending]);
		},
		/** POST from a test (a forged or broken callback); resolves to { status, text } */
		post(body, { query = '', contentType = 'application/json' } = {}) {
			return new Promise((resolve, reject) => {
				const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
				const req = http.request(`${baseUrl}${urlPath}${query}`, {
					method: 'POST',
					agent: false,
					headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) },
				}, (res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (chunk) => (text += chunk));
					res.on('end', () => resolve({ status: res.statusCode, text }));
				});
				req.on('error', reject);
				req.end(payload);
			});
		},
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

module.exports = { startTriggerServer, TRIGGER };

// Runs workflows through n8n's real execution engine (n8n-core's WorkflowExecute) with our compiled nodes
// and credentials from dist/. Parameters, expressions, credentials, continue-on-fail, error-output routing
// and pairedItem are all n8n's own; only the pieces that live in n8n's server package (the credentials
// store and the credential-type registry) are rebuilt here, following packages/cli/src/credentials-helper.ts.
'use strict';

const path = require('path');
const { WorkflowExecute, ExecutionLifecycleHooks } = require('n8n-core');
const { Workflow, NodeHelpers, createRunExecutionData } = require('n8n-workflow');

const dist = path.join(__dirname, '..', '..', 'dist');
const { SmscxApi } = require(path.join(dist, 'credentials', 'SmscxApi.credentials.js'));
const { SmscxOtp } = require(path.join(dist, 'nodes', 'SmscxOtp', 'SmscxOtp.node.js'));
const { forgetDispatchers } = require(path.join(dist, 'nodes', 'shared', 'dispatcher.js'));
const { forgetSendCounts } = require(path.join(dist, 'nodes', 'shared', 'sendCounts.js'));

// n8n-nodes-base's Manual Trigger, reduced to what the engine needs: it starts the run and emits the
// items pinned to it, like a pinned trigger in the editor.
class ManualTrigger {
	constructor() {
		this.description = {
			displayName: 'Manual Trigger',
			name: 'manualTrigger',
			group: ['trigger'],
			version: 1,
			defaults: { name: 'Manual' },
			inputs: [],
			outputs: ['main'],
			properties: [],
		};
	}
	async execute() {
		return [[{ json: {} }]];
	}
}

/** The AI-tool variant n8n builds from a usableAsTool node (name + 'Tool', AI tool output), enough for the engine. */
function toolVariant(node) {
	const description = { ...node.description, name: `${node.description.name}Tool`, outputs: ['ai_tool'] };
	return Object.assign(Object.create(Object.getPrototypeOf(node)), node, { description });
}

const nodeClasses = {
	'n8n-nodes-base.manualTrigger': new ManualTrigger(),
	'n8n-nodes-smscx.smscxOtp': new SmscxOtp(),
	'n8n-nodes-smscx.smscxOtpTool': toolVariant(new SmscxOtp()),
};
const credentialClasses = { smscxApi: new SmscxApi() };

/** n8n's INodeTypes registry over a fixed set of node classes, keyed by node type. */
function nodeTypesOf(classes) {
	return {
		getByName: (type) => classes[type],
		getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(classes[type], version),
		getKnownTypes: () => ({}),
	};
}
const nodeTypes = nodeTypesOf(nodeClasses);

// The part of n8n's CredentialsHelper that node executions use: decrypted data, the credential's own
// authenticate(), and preAuthentication for expirable fields (refreshing after a 401 the same way).
function makeCredentialsHelper(store, events) {
	return {
		getParentTypes: () => [],
		isCredentialUsableByNode: () => true,
		getCredentialsProperties: (type) => credentialClasses[type].properties,
		getDecrypted: async (_additionalData, _nodeCredentials, type) => ({ ...store[type] }),
		authenticate: async (credentials, type, requestOptions) => {
			const credentialType = credentialClasses[type];
			return typeof credentialType.authenticate === 'function'
				? credentialType.authenticate(credentials, requestOptions)
				: requestOptions;
		},
		preAuthentication: async (helpers, credentials, type, _node, expired) => {
			const credentialType = credentialClasses[type];
			const expirable = credentialType.properties.find(
				(p) => p.type === 'hidden' && p.typeOptions && p.typeOptions.expirable === true,
			);
			if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
			if (credentials[expirable.name] !== '' && !expired) return undefined;
			const output = await credentialType.preAuthentication.call(helpers, credentials);
			if (output[expirable.name] === undefined) return undefined;
			Object.assign(store[type], output);
			events.push({ event: 'credentialsUpdated', type, expired });
			return Object.assign(credentials, output);
		},
		runPreAuthentication: async () => undefined,
		updateCredentials: async () => {},
		updateCredentialsOauthTokenData: async () => {},
		getCredentials: async () => {
			throw new Error('not used by these nodes');
		},
	};
}

let executionCounter = 0;

function additionalDataFor(credentialsHelper, hooks, executionId) {
	return {
		hooks,
		credentialsHelper,
		executionId,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
	};
}

/**
 * Starts Manual → SMS.CX OTP with `items` as the trigger's output; returns { done, cancel, executionId }.
 * @param {object} opts
 * @param {object} opts.parameters   the SMS.CX OTP node's parameters (expressions allowed)
 * @param {object[]} [opts.items]    input items' json (default one empty item)
 * @param {object} opts.credentials  smscxApi credential data
 * @param {'stopWorkflow'|'continueRegularOutput'|'continueErrorOutput'} [opts.onError]
 * @param {string} [opts.type]       the node type, e.g. 'n8n-nodes-smscx.smscxOtpTool' for the AI-tool variant
 * @param {string} [opts.credentialId]  the ID of the credential entry the node points at
 * @param {object} [opts.nodeSettings]  the node's Settings tab as n8n saves them on the node, e.g.
 *   { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 } (n8n-core's WorkflowExecute reads them there)
 * @param {object} [opts.store]   n8n's saved credentials (from credentialStore()): what getCredentials returns
 *   and where preAuthentication saves; share it between executions as n8n's database is shared between them
 *   (default: a store of its own holding `credentials`)
 */
function startOtpNode({
	parameters,
	items = [{}],
	credentials,
	onError,
	type = 'n8n-nodes-smscx.smscxOtp',
	credentialId = 'cred-1',
	nodeSettings = {},
	store = credentialStore(credentials),
}) {
	const otpNode = {
		id: 'otp-node',
		name: 'SMS.CX OTP',
		type,
		typeVersion: 1,
		position: [200, 0],
		parameters,
		credentials: { smscxApi: { id: credentialId, name: 'SMS.CX account' } },
		...(onError ? { onError } : {}),
		...nodeSettings,
	};
	const trigger = {
		id: 'trigger-node',
		name: 'Manual',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflowData = {
		id: 'wf-engine-test',
		name: 'engine test',
		active: false,
		nodes: [trigger, otpNode],
		connections: { Manual: { main: [[{ node: 'SMS.CX OTP', type: 'main', index: 0 }]] } },
		settings: {},
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	const executionId = `exec-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const events = [];
	const additionalData = additionalDataFor(makeCredentialsHelper(store, events), hooks, executionId);
	const pinData = { Manual: items.map((json) => ({ json })) };
	const execution = new WorkflowExecute(additionalData, 'manual', createRunExecutionData()).run({
		workflow,
		startNode: workflow.getNode('Manual'),
		pinData,
	});
	return {
		executionId,
		/** cancels the execution as n8n's Stop button does (the node sees its cancel signal) */
		cancel: () => execution.cancel(),
		done: execution.then((run) => resultOf(run, store, events)),
	};
}

/** A saved SMS.CX credential, as n8n's database holds it (pass it as `store` to several executions). */
function credentialStore(credentials) {
	return { smscxApi: { ...credentials } };
}

/**
 * Runs Manual → SMS.CX OTP with `items` as the trigger's output (see startOtpNode for the options).
 */
async function runOtpNode(opts) {
	return startOtpNode(opts).done;
}

/** Runs `count` executions at once in this process, each from opts(i); resolves with their results in order. */
async function runConcurrently(count, opts) {
	return Promise.all(Array.from({ length: count }, (_, i) => startOtpNode(opts(i)).done));
}

function resultOf(run, store, events) {
	const nodeRuns = run.data.resultData.runData['SMS.CX OTP'] || [];
	const main = (nodeRuns[0] && nodeRuns[0].data && nodeRuns[0].data.main) || [];
	return {
		run,
		status: run.status,
		/** items on the success output */
		success: main[0] || [],
		/** items on the error output (only with onError: continueErrorOutput) */
		errors: main[1] || [],
		/** the error that stopped the workflow, if any */
		error: run.data.resultData.error,
		/** everything the run stored, serialised as n8n would persist it */
		serialized: JSON.stringify(run.data),
		credentialStore: store.smscxApi,
		credentialEvents: events,
	};
}

/**
 * Runs the credential's `test` request the way n8n's credential tester does: resolve the request's
 * expressions against the credential, let the credential authenticate it, send it, and turn a failed
 * status into the message of the matching `responseCode` rule.
 */
async function testCredential(credentials) {
	const { Container } = require('@n8n/di');
	const { OutboundHttp } = require('@n8n/backend-network');
	const credentialType = credentialClasses.smscxApi;
	const workflow = new Workflow({
		id: 'credential-test',
		nodes: [
			{ id: 't', name: 'Temp', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		],
		connections: {},
		active: false,
		nodeTypes,
	});
	const resolve = (value) =>
		typeof value === 'string' && value.startsWith('=')
			? workflow.expression.getParameterValue(value, null, 0, 0, 'Temp', [], 'internal', {
					$credentials: credentials,
				})
			: value;
	const request = credentialType.test.request;
	const options = {
		url: resolve(request.url),
		baseURL: resolve(request.baseURL),
		method: request.method || 'GET',
		json: true,
		...(request.disableFollowRedirect ? { disableFollowRedirect: true } : {}),
	};
	const httpRequest = (requestOptions) => Container.get(OutboundHttp).requests().request(requestOptions);
	try {
		// n8n runs preAuthentication for every credential test of a type with an expirable field
		const fetched = await credentialType.preAuthentication.call({ helpers: { httpRequest } }, { ...credentials });
		const authenticated = await credentialType.authenticate({ ...credentials, ...fetched }, options);
		await httpRequest(authenticated);
		return { status: 'OK' };
	} catch (error) {
		// n8n's credential tester: the first responseCode rule matching the status gives the message
		const httpStatus = error.response && error.response.status;
		const rule = (credentialType.test.rules || []).find(
			(r) => r.type === 'responseCode' && httpStatus !== undefined && r.properties.value === httpStatus,
		);
		return { status: 'Error', httpStatus, message: rule ? rule.properties.message : error.message };
	}
}

module.exports = { credentialStore, runOtpNode, startOtpNode, runConcurrently, testCredential, nodeTypesOf, forgetDispatchers, forgetSendCounts };

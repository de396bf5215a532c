// The benchmark's workflows, built here rather than kept as files: Manual Trigger -> Code "Items" (N items) ->
// one node called "Contender" (the SMS.CX OTP node, n8n's HTTP Request node in some configuration, or NoOp).
'use strict';

// Own ids (16 characters, the CLI import format), so changes to e2e/lib/fixtures.js cannot touch the bench.
const SMSCX_CRED = { id: 'benchSmscxApiKey', name: 'SMS.CX stand-in (API key, bench)' };
const HEADER_AUTH = { id: 'benchHeaderAuth1', name: 'SMS.CX stand-in (Header Auth X-API-KEY)' };
const HTTP_REQUEST_VERSION = 4.5; // the version n8n 2.41 puts on the canvas

/** n8n credentials to import: ours (API key) and n8n's Header Auth with the same key. */
function benchCredentials(standIn) {
	return [
		{
			...SMSCX_CRED,
			type: 'smscxApi',
			data: { authType: 'apiKey', apiKey: standIn.apiKey, accessToken: '', baseUrl: standIn.url, webhookSecret: 'bench-webhook-secret-0123456789' },
		},
		{ ...HEADER_AUTH, type: 'httpHeaderAuth', data: { name: 'X-API-KEY', value: standIn.apiKey } },
	];
}

/** Code node source: N items; status checks carry the pre-created OTP ids, sends a distinct phone number each. */
function itemsCode(work, n, otpIds) {
	if (work === 'status') {
		return `const ids = ${JSON.stringify(otpIds.slice(0, n))};\nreturn ids.map((otpId, i) => ({ json: { i, otpId } }));`;
	}
	return `return Array.from({ length: ${n} }, (_, i) => ({ json: { i, phoneNumber: '+3361' + String(i).padStart(7, '0') } }));`;
}

/**
 * The "Contender" node.
 * @param {'ours'|'ours-noguard'|'http'|'http-retry'|'http-batch'|'http-continue'|'noop'} kind
 * @param {'status'|'send'} work
 */
function contenderNode(kind, work, { url, limit, windowSeconds }) {
	const base = { id: 'bench-contender', name: 'Contender', position: [440, 0] };
	if (kind === 'noop') return { ...base, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };
	if (kind === 'ours' || kind === 'ours-noguard') {
		const parameters =
			work === 'status'
				? { operation: 'status', otpId: '={{ $json.otpId }}' }
				: { operation: 'new', phoneNumber: '={{ $json.phoneNumber }}', additionalFields: {} };
		// the Fraud Guard off: the baseline its cost is measured against
		if (kind === 'ours-noguard') parameters.options = { maxSendsPerNumber: 0 };
		return {
			...base,
			type: 'n8n-nodes-smscx.smscxOtp',
			typeVersion: 1,
			parameters,
			credentials: { smscxApi: SMSCX_CRED },
		};
	}
	const parameters = {
		...(work === 'status'
			? { url: `=${url}/otp/{{ $json.otpId }}` }
			: {
					method: 'POST',
					url: `${url}/otp`,
					sendBody: true,
					bodyParameters: { parameters: [{ name: 'phoneNumber', value: '={{ $json.phoneNumber }}' }] },
				}),
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
		options: {},
	};
	const node = {
		...base,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: HTTP_REQUEST_VERSION,
		parameters,
		credentials: { httpHeaderAuth: HEADER_AUTH },
	};
	if (kind === 'http-retry') node.retryOnFail = true; // n8n's defaults: 3 tries, 1000 ms apart
	if (kind === 'http-continue') node.onError = 'continueRegularOutput';
	if (kind === 'http-batch') {
		// Tuned by hand to a limit SMS.CX does not publish: `limit` items, then wait one window.
		parameters.options = { batching: { batch: { batchSize: limit, batchInterval: windowSeconds * 1000 } } };
	}
	return node;
}

function benchWorkflow({ id, name, kind, work, n, otpIds, url, limit, windowSeconds }) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'bench-manual', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'bench-items',
				name: 'Items',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: itemsCode(work, n, otpIds) },
			},
			contenderNode(kind, work, { url, limit, windowSeconds }),
		],
		connections: {
			Manual: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Contender', type: 'main', index: 0 }]] },
		},
	};
}

module.exports = { benchCredentials, benchWorkflow, HEADER_AUTH, HTTP_REQUEST_VERSION };

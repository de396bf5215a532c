import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { redactOtp } from '../shared/redact';
import { dropDuplicates } from './duplicates';
import { readCallback } from './payload';
import { tokenMatches } from './token';

type HookOrWebhook = IHookFunctions | IWebhookFunctions;

const NO_SECRET_FIX =
	'Set a Webhook Secret in the SMS.CX API credential (a long random string of letters and digits) and add it to the callback URL as ?token=YOUR_WEBHOOK_SECRET, or turn on the option "Accept Callbacks Without Token (Insecure)".';

function acceptsAnyCaller(ctx: HookOrWebhook): boolean {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return options.allowUnauthenticated === true;
}

/** The credential's webhook secret; a missing one stops activation and, failing closed, every callback. */
async function requireWebhookSecret(ctx: HookOrWebhook): Promise<string> {
	const credentials = await ctx.getCredentials('smscxApi');
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	if (secret === '') {
		throw new NodeOperationError(ctx.getNode(), 'The SMS.CX API credential has no webhook secret', {
			description: `SMS.CX does not sign its callbacks, so without a secret anyone who learns this URL could fake an OTP status such as VERIFIED. ${NO_SECRET_FIX}`,
		});
	}
	return secret;
}

/** Answers the request here; the caller tells n8n not to answer it again. Messages never repeat the request. */
function answer(ctx: IWebhookFunctions, status: number, body: IDataObject | undefined): void {
	const res = ctx.getResponseObject();
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(body === undefined ? '' : JSON.stringify(body));
}

function refuse(ctx: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	answer(ctx, status, { message });
	return { noWebhookResponse: true };
}

/**
 * SMS.CX OTP Trigger: starts a workflow when SMS.CX reports an OTP status change to its callback URL.
 * SMS.CX does not sign callbacks, so the URL carries the credential's webhook secret as ?token=…, checked
 * before anything else.
 */
export class SmscxOtpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SMS.CX OTP Trigger',
		name: 'smscxOtpTrigger',
		icon: { light: 'file:../../icons/smscx.svg', dark: 'file:../../icons/smscx.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["statuses"] || []).length ? "On " + $parameter["statuses"].join(", ") : "On any OTP status" }}',
		// n8n's node creator lists this trigger and the SMS.CX OTP node as one entry and shows the trigger's
		// description for it (generateMergedNodesAndActions), so this text speaks for both nodes.
		description:
			'Verify phone numbers with SMS.CX one-time PINs: send, verify, check or cancel an OTP, and start workflows when its status changes',
		defaults: { name: 'SMS.CX OTP Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'smscxApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// SMS.CX only needs its 200, and retries otherwise: answer before the workflow runs, with an empty body.
				// (webhook() writes that 200 itself when it starts a run; responseData says the same for n8n.)
				responseMode: 'onReceived',
				responseData: 'noData',
				path: 'webhook',
			},
		],
		triggerPanel: {
			header: 'Waiting for SMS.CX to report an OTP status change',
			executionsHelp: {
				inactive:
					'<b>While building</b>: click "Execute step", then send an OTP with the SMS.CX OTP node, its Callback URL (Send → Additional Fields) set to this node\'s Test URL and "Callback URL Token" added. Verify or cancel that OTP and the callback shows up here.<br><br><b>In production</b>: publish the workflow and give SMS.CX the Production URL with ?token=YOUR_WEBHOOK_SECRET, in the SMS.CX dashboard or as Callback URL of the Send operation. Those executions show up in the executions list.',
				active:
					'The workflow is published: every callback to the Production URL that carries ?token=YOUR_WEBHOOK_SECRET starts an execution, shown in the executions list. Give SMS.CX that URL in its dashboard, or as Callback URL of the SMS.CX OTP node\'s Send operation.',
			},
			activationHint:
				'Once the workflow is built, publish it and give SMS.CX the Production URL with ?token=YOUR_WEBHOOK_SECRET.',
		},
		properties: [
			{
				// Short on purpose: the panel's "When will this node trigger my flow?" and docs/trigger.md have the rest.
				displayName:
					'SMS.CX must call the Production URL with ?token=YOUR_WEBHOOK_SECRET (the credential\'s Webhook Secret) appended. Copy the URL from Webhook URLs at the top of this panel.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Cancelled', value: 'CANCELLED', description: 'The OTP was cancelled' },
					{ name: 'Expired', value: 'EXPIRED', description: 'The PIN was not verified in time' },
					{ name: 'Failed', value: 'FAILED', description: 'Too many wrong PINs were tried' },
					{ name: 'Pending', value: 'PENDING', description: 'The OTP was sent and waits for its PIN' },
					{ name: 'Verified', value: 'VERIFIED', description: 'The right PIN was entered' },
				],
				default: [],
				description: 'Which OTP statuses start the workflow. Leave empty for all of them.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Accept Callbacks Without Token (Insecure)',
						name: 'allowUnauthenticated',
						type: 'boolean',
						default: false,
						description:
							'Whether to skip the ?token= check and accept callbacks from anyone who knows the URL. Anyone could then fake a VERIFIED. Only for a URL that something else already protects.',
					},
					{
						displayName: 'Ignore Duplicates',
						name: 'ignoreDuplicates',
						type: 'boolean',
						default: true,
						description:
							'Whether to drop a callback entry whose OTP ID and status were already seen (the last 1000 are remembered). Only applies to the Production URL.',
					},
				],
			},
		],
	};

	// Nothing is registered at SMS.CX (the user gives it the URL), so these hooks only refuse to activate,
	// in test and production alike, while callbacks could not be authenticated.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				if (!acceptsAnyCaller(this)) await requireWebhookSecret(this);
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				if (!acceptsAnyCaller(this)) await requireWebhookSecret(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		if (!acceptsAnyCaller(this)) {
			const secret = await requireWebhookSecret(this);
			if (!tokenMatches((this.getQueryData() as IDataObject).token, secret)) {
				return refuse(this, 401, 'Unauthorized: the callback URL needs the right ?token=');
			}
		}

		const callback = readCallback(this.getBodyData());
		if (callback.kind === 'malformed') {
			return refuse(this, 400, `Not an SMS.CX OTP callback: ${callback.reason}`);
		}
		// Answered 200 by n8n, so SMS.CX does not retry events this trigger does not handle.
		if (callback.kind === 'otherEvent') return {};
		if (callback.dropped > 0) {
			this.logger.warn(`SMS.CX OTP Trigger: ignored ${callback.dropped} callback entries that are not SMS.CX OTP objects`);
		}

		const statuses = this.getNodeParameter('statuses', []) as string[];
		let entries = callback.entries.filter(
			(entry) => statuses.length === 0 || statuses.includes(String(entry.status)),
		);

		const options = this.getNodeParameter('options', {}) as IDataObject;
		// Test URL runs keep every entry, so the same callback can be replayed while building the workflow.
		if (options.ignoreDuplicates !== false && this.getMode() !== 'manual') {
			const scope = `${this.getWorkflow().id ?? ''}/${this.getNode().id}`;
			entries = dropDuplicates(entries, this.getWorkflowStaticData('node'), scope);
		}
		if (entries.length === 0) return {};

		// The 200 goes out here, before n8n starts the execution: n8n saves the static data (the duplicate keys)
		// when the answer is sent, and in n8n 2.41 starting the execution first makes it miss the change.
		answer(this, 200, undefined);
		return { noWebhookResponse: true, workflowData: [entries.map((entry) => ({ json: redactOtp(entry) }))] };
	}
}

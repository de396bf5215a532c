import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { forEachConcurrently } from '../shared/pool';
import { DEFAULT_POLICY, SmscxClient } from '../shared/transport';
import type { RequestPolicy } from '../shared/transport';
import { cancel } from './operations/cancel';
import { otpIdField } from './operations/otpId';
import { send, sendFields } from './operations/send';
import { status } from './operations/status';
import type { PreparedItem, PrepareItem } from './operations/types';
import { verify, verifyFields } from './operations/verify';
import { spendGuardOption, withSpendGuard } from './spendGuard';
import { toolDescriptions } from './toolDescriptions';

/**
 * SMS.CX OTP: send a one-time PIN by SMS, check its status, verify what the person typed, cancel it.
 *
 * Programmatic rather than declarative, on purpose:
 * - a paid POST /otp must never be re-sent after an ambiguous failure, while a 429 must wait for
 *   X-Rate-Limit-Reset and GETs may retry: one retry policy in nodes/shared/transport.ts;
 * - every New OTP rule (codes 2001–2020) is checked before any request, so bad input costs nothing;
 * - a PIN that does not verify is an ordinary outcome, returned as data (`verified: false`).
 */
const OPERATIONS: Record<string, PrepareItem> = { cancel, new: send, status, verify };

export class SmscxOtp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SMS.CX OTP',
		name: 'smscxOtp',
		icon: { light: 'file:../../icons/smscx.svg', dark: 'file:../../icons/smscx.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ {"cancel": "Cancel OTP", "new": "Send OTP", "status": "Get OTP Status", "verify": "Verify OTP"}[$parameter["operation"]] }}',
		description: 'Send an SMS.CX one-time PIN by SMS, verify what the person typed, get its status or cancel it',
		defaults: { name: 'SMS.CX OTP' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'smscxApi', required: true }],
		properties: [
			// One resource, so that n8n names each operation by its action (tool names and descriptions, the
			// node creator's "OTP Actions"). Workflows saved without it get the default.
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'OTP', value: 'otp' }],
				default: 'otp',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				// Not chosen by an AI model: one tool node per operation gives each tool its own description,
				// schema and spend guard, and a model that may only verify cannot send.
				noDataExpression: true,
				displayOptions: { show: { resource: ['otp'] } },
				options: [
					{
						name: 'Cancel',
						value: 'cancel',
						action: 'Cancel an OTP',
						description: 'Cancel a pending OTP so its PIN can no longer be verified',
					},
					{
						name: 'Get Status',
						value: 'status',
						action: 'Get the status of an OTP',
						description: 'Get an OTP with its status (PENDING, VERIFIED, EXPIRED, CANCELLED, FAILED) and attempts',
					},
					{
						name: 'Send',
						value: 'new',
						action: 'Send an OTP',
						description: 'Generate a PIN and send it by SMS to a phone number (a paid SMS)',
					},
					{
						name: 'Verify',
						value: 'verify',
						action: 'Verify an OTP',
						description: 'Check the PIN the person typed; returns verified true or false',
					},
				],
				default: 'new',
			},
			...toolDescriptions,
			...sendFields,
			otpIdField,
			...verifyFields,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Concurrency',
						name: 'concurrency',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 50, numberPrecision: 0 },
						default: 5,
						description:
							'How many items may wait for SMS.CX at once. The rate limit is respected whatever the value; output order always follows the input.',
					},
					{
						displayName: 'Fail When Not Verified',
						name: 'failWhenNotVerified',
						type: 'boolean',
						default: false,
						description:
							'Whether a PIN that does not verify (wrong, expired, failed, cancelled, already verified) fails the item instead of returning verified: false',
						displayOptions: { show: { '/operation': ['verify'] } },
					},
					{
						displayName: 'Max Rate Limit Wait (Seconds)',
						name: 'maxRateLimitWait',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 60,
						description:
							'Longest wait for the SMS.CX rate limit to reset before the item fails instead',
					},
					{
						displayName: 'Rate Limit Retries',
						name: 'rateLimitRetries',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 0 },
						default: 5,
						description:
							'How many times a request refused by the rate limit (HTTP 429, never processed) waits for the reset and is sent again',
					},
					{
						displayName: 'Retries on Temporary Failures',
						name: 'transientRetries',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 0 },
						default: 2,
						description:
							'How many times Get Status is retried after a server failure, timeout or dropped connection. Send, Verify and Cancel are only retried when the connection could not be opened, so an SMS is never sent twice.',
					},
					spendGuardOption,
					{
						displayName: 'Timeout (Ms)',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1, numberPrecision: 0 },
						default: 30000,
						description: 'How long to wait for each SMS.CX answer, in milliseconds',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await this.getCredentials('smscxApi');
		const client = new SmscxClient(this, credentials);
		const asItemError = (error: unknown, itemIndex: number): NodeApiError | NodeOperationError =>
			error instanceof NodeOperationError || error instanceof NodeApiError
				? error
				: new NodeOperationError(this.getNode(), error as Error, { itemIndex });

		// 1. Read and check every item before any request: with "stop on error", a bad item stops the
		//    run before a single paid SMS leaves.
		const prepared = items.map((_, itemIndex): Prepared => {
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const prepare = OPERATIONS[operation];
				if (!prepare) {
					throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, { itemIndex });
				}
				const ready = withSpendGuard(this, itemIndex, operation, credentials, prepare(this, itemIndex, credentials));
				return { ready, policy: readPolicy(this, itemIndex) };
			} catch (error) {
				return { error: asItemError(error, itemIndex) };
			}
		});
		const firstInvalid = prepared.find((entry): entry is Invalid => 'error' in entry);
		if (firstInvalid && !this.continueOnFail()) throw firstInvalid.error;

		// 2. Send, several items in flight; each result lands at its input's index, paired to it.
		const returnData: INodeExecutionData[] = new Array(items.length);
		const failures: Array<NodeApiError | NodeOperationError> = [];
		const concurrency = (this.getNodeParameter('options.concurrency', 0, 5) as number) || 1;
		await forEachConcurrently(
			items.length,
			concurrency,
			async (itemIndex) => {
				const entry = prepared[itemIndex];
				try {
					if ('error' in entry) throw entry.error;
					entry.ready.beforeCall?.();
					const json = entry.ready.finish(await client.attempt(entry.ready.call, entry.policy));
					returnData[itemIndex] = { json, pairedItem: { item: itemIndex } };
				} catch (caught) {
					const itemError = asItemError(caught, itemIndex);
					if (this.continueOnFail()) {
						// n8n keeps only { error: message } as json for items that carry an error
						returnData[itemIndex] = { json: { error: itemError.message }, error: itemError, pairedItem: { item: itemIndex } };
					} else {
						failures.push(itemError);
					}
				}
			},
			() => failures.length > 0,
		);
		if (failures.length > 0) {
			const itemIndexOf = (error: NodeApiError | NodeOperationError) => Number(error.context.itemIndex ?? 0);
			throw failures.reduce((first, error) => (itemIndexOf(error) < itemIndexOf(first) ? error : first));
		}
		return [returnData];
	}
}

type Invalid = { error: NodeApiError | NodeOperationError };
type Prepared = { ready: PreparedItem; policy: RequestPolicy } | Invalid;

function readPolicy(fn: IExecuteFunctions, itemIndex: number): RequestPolicy {
	const options = fn.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		timeoutMs: (options.timeout as number) ?? DEFAULT_POLICY.timeoutMs,
		rateLimitRetries: (options.rateLimitRetries as number) ?? DEFAULT_POLICY.rateLimitRetries,
		maxRateLimitWaitSeconds: (options.maxRateLimitWait as number) ?? DEFAULT_POLICY.maxRateLimitWaitSeconds,
		transientRetries: (options.transientRetries as number) ?? DEFAULT_POLICY.transientRetries,
	};
}

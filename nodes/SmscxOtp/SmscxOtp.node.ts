import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { DEFAULT_POLICY, dispatcherFor, NotSent } from '../shared/dispatcher';
import type { CallPolicy } from '../shared/dispatcher';
import { ParameterProblem, readInteger } from '../shared/params';
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
 *   X-Rate-Limit-Reset and GETs may retry: one dispatcher per credential, nodes/shared/dispatcher.ts, that
 *   every execution in the process shares (rate limit, fair queue, deadlines, stop, OAuth2 token);
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
							'How many items of this run may wait for SMS.CX at once (1–50). The rate limit is shared with every other run using the credential; output order always follows the input.',
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
						typeOptions: { minValue: 0, maxValue: 3600, numberPrecision: 0 },
						default: 60,
						description:
							'Longest time (0–3600 s) an item may be held for the SMS.CX rate limit. An item the limit would hold longer fails at once, naming the reset time, and is not sent.',
					},
					{
						displayName: 'Rate Limit Retries',
						name: 'rateLimitRetries',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 20, numberPrecision: 0 },
						default: 5,
						description:
							'How many times (0–20) a request refused by the rate limit (HTTP 429, never processed) waits for the reset and is sent again',
					},
					{
						displayName: 'Retries on Temporary Failures',
						name: 'transientRetries',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
						default: 2,
						description:
							'How many times (0–10) Get Status is retried after a server failure, timeout or dropped connection. Send, Verify and Cancel are only retried when the connection could not be opened, so an SMS is never sent twice.',
					},
					spendGuardOption,
					{
						displayName: 'Timeout (Ms)',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 100, maxValue: 300000, numberPrecision: 0 },
						default: 30000,
						description: 'How long to wait for each SMS.CX answer, in milliseconds (100–300000)',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await this.getCredentials('smscxApi');
		const node = this.getNode();
		const asItemError = (error: unknown, itemIndex: number): NodeApiError | NodeOperationError => {
			if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
			if (error instanceof ParameterProblem) {
				return new NodeOperationError(node, error.message, { itemIndex, description: error.fix });
			}
			return new NodeOperationError(node, error as Error, { itemIndex });
		};

		// 1. Read and check every item before any request: with "stop on error", a bad item stops the
		//    run before a single paid SMS leaves.
		const prepared = items.map((_, itemIndex): Prepared => {
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const prepare = OPERATIONS[operation];
				if (!prepare) {
					throw new NodeOperationError(node, `Unknown operation "${operation}"`, { itemIndex });
				}
				const options = readOptions(this, itemIndex);
				const ready = withSpendGuard(this, itemIndex, operation, credentials, prepare(this, itemIndex, credentials));
				return { operation, ready, ...options };
			} catch (error) {
				return { error: asItemError(error, itemIndex) };
			}
		});
		const firstInvalid = prepared.find((entry): entry is Invalid => 'error' in entry);
		if (firstInvalid && !this.continueOnFail()) throw firstInvalid.error;

		// 2. Hand every item to the credential's dispatcher (shared with every execution in this process);
		//    each result lands at its input's index, paired to it.
		const firstReady = prepared.find((entry): entry is Ready => !('error' in entry));
		// The execution's cancel signal: in IExecuteFunctions of n8n 1.x and 2.x; called defensively.
		const signal = typeof this.getExecutionCancelSignal === 'function' ? this.getExecutionCancelSignal() : undefined;
		const run = dispatcherFor(credentials).open(this, credentials, firstReady?.concurrency ?? 5, signal);
		const returnData: INodeExecutionData[] = new Array(items.length);
		const sent: string[] = [];
		let failure: NodeApiError | NodeOperationError | undefined;
		try {
			await Promise.all(
				prepared.map(async (entry, itemIndex) => {
					try {
						if ('error' in entry) throw entry.error;
						const outcome = await run.call(entry.ready.call, entry.policy, entry.ready.beforeCall);
						const json = await entry.ready.finish(outcome, (followUp) => run.call(followUp, entry.policy));
						returnData[itemIndex] = { json, pairedItem: { item: itemIndex } };
						if (entry.operation === 'new') sent.push(describeSent(itemIndex, json));
					} catch (caught) {
						// once cancelled, n8n reports the execution as canceled: no item fails on its own
						if ((caught instanceof NotSent || run.cancelled) && !this.continueOnFail()) return;
						const itemError = asItemError(caught, itemIndex);
						if (this.continueOnFail()) {
							// n8n keeps only { error: message } as json for items that carry an error
							returnData[itemIndex] = { json: { error: itemError.message }, error: itemError, pairedItem: { item: itemIndex } };
						} else if (!failure) {
							failure = itemError;
							run.stop(); // nothing that has not left yet leaves
						}
					}
				}),
			);
		} finally {
			run.close();
		}
		if (run.cancelled && !this.continueOnFail()) {
			// "canceled" in the message is how n8n's engine tells a cancelled run from a failed one
			throw new NodeOperationError(node, 'Execution canceled: the items that had not left were not sent', {
				description: sent.length > 0 ? listSent(sent) : undefined,
			});
		}
		if (failure) {
			if (sent.length > 0) failure.description = `${failure.description ?? ''} ${listSent(sent)}`.trim();
			throw failure;
		}
		return [returnData];
	}
}

type Invalid = { error: NodeApiError | NodeOperationError };
type Ready = { operation: string; ready: PreparedItem; policy: CallPolicy; concurrency: number };
type Prepared = Ready | Invalid;

const MAX_LISTED = 50;

function describeSent(itemIndex: number, json: IDataObject): string {
	return `item ${itemIndex}: otpId ${String(json.otpId)} to ${String(json.phoneNumber)}`;
}

/** The OTPs this run already sent, so the user can check or cancel them before a re-run. */
function listSent(sent: string[]): string {
	const more = sent.length > MAX_LISTED ? `; and ${sent.length - MAX_LISTED} more` : '';
	return `Already sent in this run (check or cancel them with Get Status or Cancel before running again): ${sent.slice(0, MAX_LISTED).join('; ')}${more}.`;
}

/** The Options, each a whole number within the editor's bounds (an expression may give anything). */
function readOptions(fn: IExecuteFunctions, itemIndex: number): { policy: CallPolicy; concurrency: number } {
	const options = fn.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const option = (name: string, label: string, min: number, max: number, fallback: number) =>
		readInteger(options[name], { label, name }, { min, max }) ?? fallback;
	return {
		concurrency: option('concurrency', 'Concurrency', 1, 50, 5),
		policy: {
			timeoutMs: option('timeout', 'Timeout (Ms)', 100, 300000, DEFAULT_POLICY.timeoutMs),
			rateLimitRetries: option('rateLimitRetries', 'Rate Limit Retries', 0, 20, DEFAULT_POLICY.rateLimitRetries),
			maxRateLimitWaitSeconds: option(
				'maxRateLimitWait',
				'Max Rate Limit Wait (Seconds)',
				0,
				3600,
				DEFAULT_POLICY.maxRateLimitWaitSeconds,
			),
			transientRetries: option('transientRetries', 'Retries on Temporary Failures', 0, 10, DEFAULT_POLICY.transientRetries),
		},
	};
}

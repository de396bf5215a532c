import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { runItems } from './itemLoop';
import { cancel } from './operations/cancel';
import { otpIdField } from './operations/otpId';
import { send } from './operations/send';
import { sendFields } from './operations/sendFields';
import { status } from './operations/status';
import type { PrepareItem } from './operations/types';
import { verify, verifyFields } from './operations/verify';
import { fraudGuardOptions } from './fraudGuard';
import { spendGuardOption } from './spendGuard';
import { toolDescriptions } from './toolDescriptions';

/**
 * SMS.CX OTP: send a one-time PIN by SMS, check its status, verify what the person typed, cancel it.
 *
 * Programmatic rather than declarative, on purpose:
 * - a paid POST /otp must never be re-sent after an ambiguous failure, while a 429 must wait for
 *   X-Rate-Limit-Reset and GETs may retry: one dispatcher per credential, nodes/shared/dispatcher.ts, that
 *   every execution in the process shares (rate limit, fair queue, deadlines, stop, OAuth2 token);
 * - every New OTP rule (codes 2001–2020) is checked before any request, so bad input costs nothing;
 * - a PIN that does not verify is an ordinary outcome, returned as data (`verified: false`);
 * - n8n's Retry On Fail re-runs the whole node: what an earlier try already got is returned, not sent again
 *   (retryMemory.ts); the item loop is in itemLoop.ts.
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
					...fraudGuardOptions,
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
		return runItems(this, OPERATIONS);
	}
}

import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_POLICY, dispatcherFor, NotSent } from '../shared/dispatcher';
import type { CallOutcome, CallPolicy, SmscxCall } from '../shared/dispatcher';
import { ParameterProblem, readInteger } from '../shared/params';
import { fraudGuardFor, fraudGuardOf } from './fraudGuard';
import type { PreparedItem, PrepareItem } from './operations/types';
import { RetryMemory } from './retryMemory';
import { noteAnswer, spendGuardFor } from './spendGuard';
import type { SendHold } from './spendGuard';

type ItemError = NodeApiError | NodeOperationError;
type Invalid = { error: ItemError };
/** An item to send, or the answer an earlier try of this run already got (n8n's Retry On Fail). */
type Ready = { operation: string; ready: PreparedItem; holds?: SendHold[]; recalled?: IDataObject; policy: CallPolicy; concurrency: number };
type Prepared = Ready | Invalid;

/**
 * The node's item loop: read and check every item, then hand them to the credential's dispatcher; every input
 * item yields one output item (or one error), paired to it.
 */
export async function runItems(fn: IExecuteFunctions, operations: Record<string, PrepareItem>): Promise<INodeExecutionData[][]> {
	const items = fn.getInputData();
	const credentials = await fn.getCredentials('smscxApi');
	const node = fn.getNode();
	const asItemError = (error: unknown, itemIndex: number): ItemError => {
		if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
		if (error instanceof ParameterProblem) {
			return new NodeOperationError(node, error.message, { itemIndex, description: error.fix });
		}
		return new NodeOperationError(node, error as Error, { itemIndex });
	};
	// The execution's cancel signal: in IExecuteFunctions of n8n 1.x and 2.x; called defensively.
	const signal = typeof fn.getExecutionCancelSignal === 'function' ? fn.getExecutionCancelSignal() : undefined;
	const memory = new RetryMemory(fn, credentials, signal);

	// 1. Read and check every item before any request: with "stop on error", a bad item stops the
	//    run before a single paid SMS leaves.
	const prepared = items.map((_, itemIndex): Prepared => {
		try {
			const operation = fn.getNodeParameter('operation', itemIndex) as string;
			const prepare = operations[operation];
			if (!prepare) throw new NodeOperationError(node, `Unknown operation "${operation}"`, { itemIndex });
			const options = readOptions(fn, itemIndex);
			const ready = prepare(fn, itemIndex, credentials);
			const recalled = memory.recall(itemIndex, ready.call);
			if (recalled || operation !== 'new') return { operation, ready, recalled, ...options };
			// A Send's guards, in order: the Spend Guard refuses a held number before the Fraud Guard counts it.
			const holds = [spendGuardFor(fn, itemIndex, credentials, ready.call), fraudGuardFor(fn, itemIndex, credentials, ready.call)];
			return { operation, ready, holds: holds.filter((hold): hold is SendHold => hold !== undefined), ...options };
		} catch (error) {
			return { error: asItemError(error, itemIndex) };
		}
	});
	const firstInvalid = prepared.find((entry): entry is Invalid => 'error' in entry);
	if (firstInvalid && !fn.continueOnFail()) throw firstInvalid.error;

	// 2. Hand every item to the credential's dispatcher (shared with every execution in this process);
	//    each result lands at its input's index, paired to it.
	const firstReady = prepared.find((entry): entry is Ready => !('error' in entry));
	const run = dispatcherFor(credentials).open(fn, credentials, firstReady?.concurrency ?? 5, signal);
	// Every answer passes the spend guard, which releases a number once an answer shows its OTP ended.
	const call = async (request: SmscxCall, policy: CallPolicy, beforeCall?: () => void): Promise<CallOutcome> => {
		const outcome = await run.call(request, policy, beforeCall);
		noteAnswer(request, outcome);
		return outcome;
	};
	const send = async ({ ready, holds = [], policy }: Ready, itemIndex: number): Promise<IDataObject> => {
		const beforeCall = () => {
			const reserved: SendHold[] = [];
			let leaves = false;
			try {
				for (const hold of holds) {
					hold.reserve();
					reserved.push(hold);
				}
				ready.beforeCall?.();
				leaves = true;
			} finally {
				// a refusal (a guard's or the operation's own) releases what the guards before it reserved
				if (!leaves) for (const hold of reserved) hold.neverLeft();
			}
		};
		const outcome = await call(ready.call, policy, beforeCall).catch(async (error: unknown) => {
			// stopped or cancelled before it left: nothing sent
			if (error instanceof NotSent) for (const hold of holds) hold.neverLeft();
			return Promise.reject(error);
		});
		for (const hold of holds) hold.answered(outcome);
		memory.answered(itemIndex, ready.call, outcome);
		const json = await ready.finish(outcome, (followUp) => call(followUp, policy));
		memory.finished(itemIndex, ready.call, json);
		return json;
	};

	const returnData: INodeExecutionData[] = new Array(items.length);
	const sent: string[] = [];
	let failure: ItemError | undefined;
	try {
		await Promise.all(
			prepared.map(async (entry, itemIndex) => {
				try {
					if ('error' in entry) throw entry.error;
					const json = entry.recalled ?? (await send(entry, itemIndex));
					returnData[itemIndex] = { json, pairedItem: { item: itemIndex } };
					if (entry.operation === 'new') sent.push(describeSent(itemIndex, json));
				} catch (caught) {
					// once cancelled, n8n reports the execution as canceled: no item fails on its own
					if ((caught instanceof NotSent || run.cancelled) && !fn.continueOnFail()) return;
					const itemError = asItemError(caught, itemIndex);
					if (fn.continueOnFail()) {
						returnData[itemIndex] = errorItem(fn, itemError, itemIndex);
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
	if (run.cancelled && !fn.continueOnFail()) {
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

/**
 * A failed item under On Error: Continue. n8n replaces the json of an item that carries its error by
 * { error: message }, so a Fraud Guard refusal, to keep `details.fraudGuard`, does not carry it: n8n 2.x routes
 * json of error, message and details alone to the error output. n8n 1.x routes only { error } alone there, so
 * on 1.x (told apart by isToolExecution, which 2.x's execute context added) the error output gets { error }.
 */
function errorItem(fn: IExecuteFunctions, itemError: ItemError, itemIndex: number): INodeExecutionData {
	const pairedItem = { item: itemIndex };
	const details = fraudGuardOf(itemError);
	if (!details) return { json: { error: itemError.message }, error: itemError, pairedItem };
	const routesDetails = typeof (fn as { isToolExecution?: unknown }).isToolExecution === 'function';
	if (fn.getNode().onError === 'continueErrorOutput' && !routesDetails) return { json: { error: itemError.message }, pairedItem };
	return { json: { error: itemError.message, details }, pairedItem };
}

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

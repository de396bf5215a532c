import { createHash } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CallOutcome, SmscxCall } from '../shared/dispatcher';
import { baseUrlOf } from '../shared/oauth';

/**
 * What this execution's requests that must not be repeated (Send, Verify, Cancel) already got, so that n8n's
 * Retry On Fail, which runs the whole node again with the same items in the same execution, never pays for a
 * second SMS (nor spends a second PIN attempt): an item answered by an earlier try returns that answer with no
 * request; an item whose earlier try may have reached SMS.CX without an answer (timeout, dropped connection,
 * unreadable answer) is not sent again. An item SMS.CX refused (a 4xx, a 5xx with its error body) or that never
 * left is sent by the retry as usual.
 *
 * The execution's life: n8n-core creates one AbortController per execution (WorkflowExecute) and hands the
 * same signal to every try of a node, so the memory hangs off that signal in a WeakMap and goes when the
 * execution does. Without a signal (an n8n that has none), it is kept per execution ID for 15 minutes after its
 * last use (n8n's tries are at most 5, 5 s apart), for at most 1,000 executions.
 *
 * Keyed by a hash of execution ID, node, the node's run index (a loop that runs the node again is not a retry),
 * item index, credential, Base URL and the request itself: no phone number or secret in clear. The values are
 * the output items the execution already holds.
 */

type Remembered = { json: IDataObject } | { mayHaveBeenSent: true };
type Memory = Map<string, Remembered>;

const bySignal = new WeakMap<AbortSignal, Memory>();
const byExecutionId = new Map<string, { memory: Memory; lastUsed: number }>();
const FALLBACK_IDLE_MS = 15 * 60 * 1000;
const FALLBACK_MAX_EXECUTIONS = 1000;

function memoryOf(executionId: string, signal: AbortSignal | undefined): Memory {
	if (signal) {
		let memory = bySignal.get(signal);
		if (!memory) bySignal.set(signal, (memory = new Map()));
		return memory;
	}
	const now = Date.now();
	for (const [id, held] of byExecutionId) {
		if (now - held.lastUsed > FALLBACK_IDLE_MS || byExecutionId.size >= FALLBACK_MAX_EXECUTIONS) byExecutionId.delete(id);
		else break; // oldest first: the rest were used more recently
	}
	const held = byExecutionId.get(executionId) ?? { memory: new Map(), lastUsed: now };
	byExecutionId.delete(executionId); // re-inserted last: the Map's order is least recently used first
	byExecutionId.set(executionId, { ...held, lastUsed: now });
	return held.memory;
}

/** The node's run index ($runIndex): the same for every try of one run, one more for each run in a loop. */
function runIndexOf(fn: IExecuteFunctions): number {
	try {
		const runIndex: unknown = fn.getWorkflowDataProxy(0).$runIndex;
		return typeof runIndex === 'number' ? runIndex : 0;
	} catch {
		return 0;
	}
}

/** One node run's view of the memory. */
export class RetryMemory {
	private readonly memory: Memory;

	private readonly scope: string;

	constructor(
		private readonly fn: IExecuteFunctions,
		credentials: ICredentialDataDecryptedObject,
		signal: AbortSignal | undefined,
	) {
		const executionId = String(fn.getExecutionId() ?? '');
		const node = fn.getNode();
		const credential = node.credentials?.smscxApi;
		this.memory = memoryOf(executionId, signal);
		this.scope = JSON.stringify([
			executionId,
			node.id ?? node.name,
			runIndexOf(fn),
			credential?.id ?? credential?.name ?? '',
			baseUrlOf(credentials),
		]);
	}

	/**
	 * The answer an earlier try of this run got for the item (undefined: send it); throws when that try may
	 * have reached SMS.CX without an answer.
	 */
	recall(itemIndex: number, call: SmscxCall): IDataObject | undefined {
		if (call.idempotent) return undefined;
		const remembered = this.memory.get(this.keyOf(itemIndex, call));
		if (remembered === undefined) return undefined;
		if ('json' in remembered) return { ...remembered.json };
		throw new NodeOperationError(
			this.fn.getNode(),
			'Not sent again: an earlier try of this node in this execution may have been sent (its answer was lost). Nothing was sent now.',
			{
				itemIndex,
				description:
					"n8n's Retry On Fail never repeats a request SMS.CX may have processed. Look the OTP up with Get Status (by its otpId or Track ID) before sending again.",
			},
		);
	}

	/** SMS.CX's answer to the item's call, before the operation shapes it. */
	answered(itemIndex: number, call: SmscxCall, outcome: CallOutcome): void {
		if (call.idempotent || outcome.ok || !outcome.failure.mayHaveBeenProcessed) return;
		this.memory.set(this.keyOf(itemIndex, call), { mayHaveBeenSent: true });
	}

	/** The item's output, returned as is by a retry. */
	finished(itemIndex: number, call: SmscxCall, json: IDataObject): void {
		if (!call.idempotent) this.memory.set(this.keyOf(itemIndex, call), { json });
	}

	private keyOf(itemIndex: number, call: SmscxCall): string {
		const request = JSON.stringify([this.scope, itemIndex, call.method, call.path, call.body ?? null]);
		return createHash('sha256').update(request).digest('hex');
	}
}

import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parameterError, smscxApiError } from '../../shared/errors';
import { ParameterProblem } from '../../shared/params';
import type { CallOutcome, SmscxCall } from '../../shared/dispatcher';

/** Sends one more call on the execution's client (same credential, pacer and retry policy as the item's call). */
export type FollowUp = (call: SmscxCall) => Promise<CallOutcome>;

/**
 * An item made ready to send: parameters read and checked, the SMS.CX call built. Preparing every item
 * before any call goes out is what lets a bad item stop the run before a single paid SMS is sent.
 */
export interface PreparedItem {
	call: SmscxCall;
	/**
	 * Runs right before the call is handed to SMS.CX (every item is prepared first); throws to refuse the item
	 * without sending. For checks that depend on what other items or executions did meanwhile.
	 */
	beforeCall?(): void;
	/**
	 * The output item for SMS.CX's answer; throws for outcomes that fail the item. `followUp` sends a free call
	 * after the item's own (Verify reads the OTP to add its phone number).
	 */
	finish(outcome: CallOutcome, followUp: FollowUp): IDataObject | Promise<IDataObject>;
}

export type PrepareItem = (
	fn: IExecuteFunctions,
	itemIndex: number,
	credentials: ICredentialDataDecryptedObject,
) => PreparedItem;

/** An operation whose parameter problems (params.ts) fail the item with a message that names the field. */
export function readsParameters(prepare: PrepareItem): PrepareItem {
	return (fn, itemIndex, credentials) => {
		try {
			return prepare(fn, itemIndex, credentials);
		} catch (error) {
			// (a NodeOperationError passed to NodeOperationError comes back unchanged)
			throw error instanceof ParameterProblem
				? parameterError(fn.getNode(), error, itemIndex)
				: new NodeOperationError(fn.getNode(), error as Error, { itemIndex });
		}
	};
}

/**
 * The answer's body, or the item's error when SMS.CX did not answer with a success.
 * @param paid whether the call was a Send, so the error can say the SMS may have been charged
 */
export function bodyOrThrow(fn: IExecuteFunctions, itemIndex: number, outcome: CallOutcome, paid = false): IDataObject {
	if (!outcome.ok) throw smscxApiError(fn.getNode(), outcome.failure, itemIndex, paid);
	return outcome.body;
}

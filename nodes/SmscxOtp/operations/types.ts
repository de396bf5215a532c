import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { smscxApiError } from '../../shared/errors';
import type { CallOutcome, SmscxCall } from '../../shared/transport';

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
	/** The output item for SMS.CX's answer; throws for outcomes that fail the item */
	finish(outcome: CallOutcome): IDataObject;
}

export type PrepareItem = (
	fn: IExecuteFunctions,
	itemIndex: number,
	credentials: ICredentialDataDecryptedObject,
) => PreparedItem;

/** The answer's body, or the item's error when SMS.CX did not answer with a success. */
export function bodyOrThrow(fn: IExecuteFunctions, itemIndex: number, outcome: CallOutcome): IDataObject {
	if (!outcome.ok) throw smscxApiError(fn.getNode(), outcome.failure, itemIndex);
	return outcome.body;
}

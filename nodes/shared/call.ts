import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { SmscxFailure } from './errors';

/** What the operations hand the dispatcher: one SMS.CX call, its policy, and what came of it. */

export interface CallPolicy {
	timeoutMs: number;
	rateLimitRetries: number;
	maxRateLimitWaitSeconds: number;
	transientRetries: number;
}

export const DEFAULT_POLICY: CallPolicy = {
	timeoutMs: 30000,
	rateLimitRetries: 5,
	maxRateLimitWaitSeconds: 60,
	transientRetries: 2,
};

export interface SmscxCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	/** Safe to send again after an ambiguous failure (only GET; retryPolicy.ts keys on the method) */
	idempotent: boolean;
}

export type CallOutcome = { ok: true; body: IDataObject } | { ok: false; failure: SmscxFailure };

/** A call that never left because its run stopped or was cancelled. */
export class NotSent extends Error {
	constructor(readonly reason: 'stopped' | 'cancelled') {
		super(
			reason === 'stopped'
				? 'Not sent: the run stopped after another item failed'
				: 'Not sent: the execution was cancelled',
		);
		this.name = 'NotSent';
	}
}

/**
 * The leave check: n8n sends a call right after fetching its OAuth2 token, so the credential's authenticate asks
 * the call whether its run still wants it (a stop or cancel during the token request sends nothing).
 */

/** Not enumerable: never saved with the credential, never copied into another object. */
const LEAVE_CHECK = 'smscxLeaveCheck';

/** Marks a call's credential data with what says whether the call may still leave. */
export function withLeaveCheck<T extends object>(data: T, stillWanted: () => Error | undefined): T {
	Object.defineProperty(data, LEAVE_CHECK, { value: stillWanted, enumerable: false });
	return data;
}

/** Called by the credential's authenticate, right before n8n sends: throws when the call's run ended. */
export function checkLeave(credentials: ICredentialDataDecryptedObject): void {
	const stillWanted = (credentials as Record<string, unknown>)[LEAVE_CHECK];
	const error = typeof stillWanted === 'function' ? (stillWanted as () => Error | undefined)() : undefined;
	if (error) throw error;
}

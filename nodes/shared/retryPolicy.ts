import type { IHttpRequestMethods } from 'n8n-workflow';

import type { FailureKind } from './errors';

/**
 * The retry policy, as data. POST /otp sends a paid SMS and has no idempotency key, and Verify (POST) spends
 * an attempt, Cancel (DELETE) ends the OTP: only GET is ever sent again after a failure that may have left.
 * - afterReset: take another turn once the rate-limit gate opens (at most Rate Limit Retries times);
 * - afterBackoff: wait 0.5 s, 1 s, 2 s… (at most Retries on Temporary Failures times);
 * - withNewToken: an OAuth2 token SMS.CX refused is renewed once and the call sent once more;
 * - never: the failure is the item's answer.
 */
export type Retry = 'afterReset' | 'afterBackoff' | 'withNewToken' | 'never';

type ByMethod = { GET: Retry; POST: Retry; DELETE: Retry };

const every = (retry: Retry): ByMethod => ({ GET: retry, POST: retry, DELETE: retry });

export const RETRY_POLICY: Record<FailureKind, ByMethod> = {
	// nothing left the machine, and it may pass (a restarting server, a DNS hiccup)
	unreachable: every('afterBackoff'),
	// nothing left, and trying again changes nothing (TLS certificate, invalid URL, redirect)
	misconfigured: every('never'),
	noToken: every('never'),
	// refused unprocessed
	rateLimited: every('afterReset'),
	unauthorized: every('withNewToken'),
	// the request left: SMS.CX may have processed it
	mayHaveLeft: { GET: 'afterBackoff', POST: 'never', DELETE: 'never' },
	// SMS.CX answered with its own error body: it did not do it, yet a paid or spending call waits for the user
	serverError: { GET: 'afterBackoff', POST: 'never', DELETE: 'never' },
	answered: every('never'),
};

export const BACKOFF_BASE_MS = 500;

export function retryFor(kind: FailureKind, method: IHttpRequestMethods): Retry {
	const byMethod = RETRY_POLICY[kind] as Partial<Record<IHttpRequestMethods, Retry>>;
	return byMethod[method] ?? 'never';
}

/** Whether a failure of this kind may mean SMS.CX processed the call (so it must not be sent again). */
export const mayHaveBeenProcessed = (kind: FailureKind, method: IHttpRequestMethods): boolean =>
	kind === 'mayHaveLeft' && method !== 'GET';


/**
 * The types the operations build their calls with. Everything that talks to SMS.CX (rate limit, retries,
 * OAuth2, redirects) lives in ./dispatcher.ts; this seam keeps operations independent of it.
 */
export type { CallOutcome, SmscxCall } from './dispatcher';

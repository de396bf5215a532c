import type { IDataObject } from 'n8n-workflow';

import { OTP_STATUSES, UUID } from '../shared/rules';

/** SMS.CX sends at most 200 entries per callback; more than this is not SMS.CX and is refused whole. */
export const MAX_ENTRIES_PER_CALLBACK = 1000;

/** What a callback body asks of the trigger. */
export type Callback =
	| { kind: 'otpUpdate'; entries: IDataObject[]; dropped: number }
	| { kind: 'otherEvent'; event: string }
	| { kind: 'malformed'; reason: string };

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** An entry shaped like an SMS.CX OTP object: a lower-case UUID otpId and one of the five statuses. */
const isOtpEntry = (entry: unknown): entry is IDataObject =>
	isObject(entry) &&
	typeof entry.otpId === 'string' &&
	UUID.test(entry.otpId) &&
	(OTP_STATUSES as readonly unknown[]).includes(entry.status);

/**
 * Reads `{"event":"otp_update","data":[...]}`. Other events share the envelope and are not ours to judge, so only
 * their `event` is checked. A body n8n could not turn into an object (text, a Buffer, nothing), or with more than
 * MAX_ENTRIES_PER_CALLBACK entries, is malformed and starts nothing. Entries that do not look like SMS.CX OTP
 * objects (status "HACKED", a 10 kB otpId) are dropped and counted in `dropped`, so the trigger can log them; the
 * others still start the workflow.
 */
export function readCallback(body: unknown): Callback {
	if (!isObject(body)) return { kind: 'malformed', reason: 'the body is not a JSON object' };
	if (!isNonEmptyString(body.event)) return { kind: 'malformed', reason: 'the body has no "event"' };
	if (body.event !== 'otp_update') return { kind: 'otherEvent', event: body.event.slice(0, 60) };
	if (!Array.isArray(body.data)) return { kind: 'malformed', reason: 'the body has no "data" array' };
	if (body.data.length > MAX_ENTRIES_PER_CALLBACK) {
		return {
			kind: 'malformed',
			reason: `"data" has ${body.data.length} entries, more than ${MAX_ENTRIES_PER_CALLBACK} (SMS.CX sends at most 200)`,
		};
	}
	const entries = (body.data as unknown[]).filter(isOtpEntry);
	return { kind: 'otpUpdate', entries, dropped: body.data.length - entries.length };
}

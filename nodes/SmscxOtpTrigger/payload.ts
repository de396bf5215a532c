import type { IDataObject } from 'n8n-workflow';

/** What a callback body asks of the trigger. */
export type Callback =
	| { kind: 'otpUpdate'; entries: IDataObject[] }
	| { kind: 'otherEvent'; event: string }
	| { kind: 'malformed'; reason: string };

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Reads `{"event":"otp_update","data":[...]}`. Other events share the envelope and are not ours to judge, so only
 * their `event` is checked. A body n8n could not turn into an object (text, a Buffer, nothing) is malformed. One bad
 * entry makes the whole batch malformed: starting a workflow for part of a broken body would hide the problem.
 */
export function readCallback(body: unknown): Callback {
	if (!isObject(body)) return { kind: 'malformed', reason: 'the body is not a JSON object' };
	if (!isNonEmptyString(body.event)) return { kind: 'malformed', reason: 'the body has no "event"' };
	if (body.event !== 'otp_update') return { kind: 'otherEvent', event: body.event };
	if (!Array.isArray(body.data)) return { kind: 'malformed', reason: 'the body has no "data" array' };

	const entries = body.data as unknown[];
	const bad = entries.findIndex(
		(entry) => !isObject(entry) || !isNonEmptyString(entry.otpId) || !isNonEmptyString(entry.status),
	);
	if (bad !== -1) {
		return { kind: 'malformed', reason: `data[${bad}] is not an OTP object with "otpId" and "status"` };
	}
	return { kind: 'otpUpdate', entries: entries as IDataObject[] };
}

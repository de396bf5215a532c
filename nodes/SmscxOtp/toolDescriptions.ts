import type { INodeProperties } from 'n8n-workflow';

/**
 * What an AI model reads about each operation when the node is an agent's tool: what it does, what it
 * costs, what it needs, what it returns. n8n hands a tool node's `toolDescription` parameter to the model
 * as the tool's description (1.x and 2.x); when a node declares that parameter itself, n8n adds no
 * "Set Automatically" field of its own, whose text would only be "<action> in SMS.CX OTP". Shown only on
 * the tool variant ('@tool'), one default per operation; the user may edit it.
 */
export const TOOL_DESCRIPTIONS: Record<string, string> = {
	new:
		'Sends a one-time PIN by SMS to a phone number (SMS.CX). COSTS MONEY: every call sends one paid SMS, so call it once per number and never to retry or repeat a verification. ' +
		'Needs the phone number in E.164 format: + then country code and number, e.g. +33612246400. ' +
		'Returns otpId (keep it for Verify), status PENDING, ttl (seconds the PIN stays valid) and dateExpires; the PIN itself is never returned, the person reads it from the SMS. ' +
		'While an OTP to that number is pending, another Send for it is refused without cost: ask the person for the PIN and call Verify instead. ' +
		'A Send the Fraud Guard refuses (too many codes for the number or its range, or a country not allowed) also costs nothing: tell the person what the error says, with its time to try again.',
	verify:
		'Checks the PIN the person received by SMS (SMS.CX). Free, but each call uses one of the OTP\'s attempts (maxAttempts in the Send result). ' +
		'Needs otpId (from Send) and pin (exactly what the person typed). ' +
		'Returns verified: true when the PIN is right; otherwise verified: false with code and type: invalid_pin = wrong PIN, ask the person again; ' +
		'otp_expired, otp_failed (too many wrong PINs) or otp_cancelled = this OTP is over, offer to send a new one; otp_verified = already verified.',
	status:
		'Gets an OTP\'s status from SMS.CX. Free. Needs otpId (from Send). ' +
		'Returns status (PENDING = waiting for the PIN, VERIFIED, EXPIRED, CANCELLED, FAILED = too many wrong PINs), attempts (wrong PINs so far), maxAttempts and dateExpires.',
	cancel:
		'Cancels a pending OTP at SMS.CX so its PIN can no longer be verified. Free. Needs otpId (from Send). ' +
		'Returns cancelled: true. Only a PENDING OTP can be cancelled.',
};

export const toolDescriptions: INodeProperties[] = Object.entries(TOOL_DESCRIPTIONS).map(([operation, text]) => ({
	displayName: 'Description',
	name: 'toolDescription',
	type: 'string',
	default: text,
	typeOptions: { rows: 4 },
	description:
		'What the AI model reads about this tool: what the operation does, costs, needs and returns. Changing the operation switches it to that operation\'s text, unless you edited it.',
	displayOptions: { show: { '@tool': [true], operation: [operation] } },
}));

import { createHash } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CallOutcome, SmscxCall } from '../shared/dispatcher';
import { baseUrlOf } from '../shared/oauth';
import { readBoolean } from '../shared/params';
import { canonicalNumber } from '../shared/phoneNumber';

/**
 * The spend guard: a model that loops (or a workflow that fires twice) must not pay for a second SMS to a
 * number whose OTP is still PENDING. It follows the OTP, not the operation: a Send holds the number from right
 * before its call; only evidence that the OTP ended releases it (the table ENDED_BY, read on every SMS.CX
 * answer), or proof that the Send sent nothing. Per process (n8n's main process or one queue-mode worker),
 * bounded, and keyed by a hash of credential ID + Base URL + the number as SMS.CX reads it: it holds no
 * secret and no phone number.
 */

export const spendGuardOption: INodeProperties = {
	displayName: 'Spend Guard',
	name: 'spendGuard',
	type: 'boolean',
	default: true,
	description:
		'Whether to refuse a second Send to the same phone number (same credential) while its OTP is still pending, within its TTL, so a looping AI agent cannot pay twice. On by default when the node is an AI-agent tool, off otherwise unless added here.',
	displayOptions: { show: { '/operation': ['new'] } },
};

const MAX_ENTRIES = 10_000;
/** When SMS.CX's answer carries no TTL: SMS.CX's own maximum, so the guard never lets a pending OTP through. */
const FALLBACK_TTL_SECONDS = 1800;
/** OTP states after which a new Send to the number is fine. */
const FINAL_STATUSES = ['VERIFIED', 'EXPIRED', 'CANCELLED', 'FAILED'];
/** Verify answers that end the OTP (2029, a wrong PIN with attempts left, does not). */
const ENDING_VERIFY_CODES = [2023, 2024, 2025, 2026, 2027, 2028];
/** Cancel answers meaning the OTP is already over (2030 cancelled, 2031 verified, expired or failed). */
const ENDING_CANCEL_CODES = [2030, 2031];

const codeOf = (outcome: CallOutcome) => (outcome.ok ? undefined : Number(outcome.failure.code));

/**
 * The evidence that an OTP has ended, by the request on /otp/{otpId} that brought SMS.CX's answer. Nothing
 * else releases a number: not an operation's name, not a read that shows PENDING (Verify's impossible-PIN path
 * reads the OTP without checking a PIN).
 */
const ENDED_BY: Record<string, (outcome: CallOutcome) => boolean> = {
	// Get Status, and the reads Verify makes: the status itself
	GET: (outcome) => outcome.ok && FINAL_STATUSES.includes(String(outcome.body.status)),
	// Verify's PIN check: verified, or a code that ends the OTP
	POST: (outcome) => outcome.ok || ENDING_VERIFY_CODES.includes(codeOf(outcome) ?? 0),
	// Cancel: cancelled, or already over
	DELETE: (outcome) => outcome.ok || ENDING_CANCEL_CODES.includes(codeOf(outcome) ?? 0),
};

const OTP_PATH = /^\/otp\/([0-9a-f-]{36})$/;

/** Reads every SMS.CX answer (every operation, follow-up reads too): releases a number whose OTP has ended. */
export function noteAnswer(call: SmscxCall, outcome: CallOutcome): void {
	const otpId = OTP_PATH.exec(call.path)?.[1];
	if (otpId !== undefined && ENDED_BY[call.method]?.(outcome) === true) releaseOtp(otpId);
}

interface Entry {
	/** unset while the Send is in flight (an entry is compared by identity: the reservation that made it) */
	otpId?: string;
	expiresAt: number;
}

/** key → entry, oldest first (Map keeps insertion order) */
const entries = new Map<string, Entry>();
/** otpId → key, so Verify/Cancel/Get Status can release by OTP ID */
const keysByOtpId = new Map<string, string>();

function drop(key: string): void {
	const entry = entries.get(key);
	if (entry?.otpId) keysByOtpId.delete(entry.otpId);
	entries.delete(key);
}

function releaseOtp(otpId: string): void {
	const key = keysByOtpId.get(otpId);
	if (key !== undefined && entries.get(key)?.otpId === otpId) drop(key);
	keysByOtpId.delete(otpId);
}

/** Drops expired entries, then the oldest ones, until there is room for one more. */
function makeRoom(now: number): void {
	if (entries.size < MAX_ENTRIES) return;
	for (const [key, entry] of entries) if (entry.expiresAt <= now) drop(key);
	for (const key of entries.keys()) {
		if (entries.size < MAX_ENTRIES) break;
		drop(key);
	}
}

/** Whose Sends a guard counts: the node's SMS.CX credential (its ID) and the Base URL it sends to. */
export function credentialScope(fn: IExecuteFunctions, credentials: ICredentialDataDecryptedObject): string {
	const { id, name } = fn.getNode().credentials?.smscxApi ?? { id: null, name: '' };
	return `${id ?? name}\n${baseUrlOf(credentials)}`;
}

function keyFor(fn: IExecuteFunctions, credentials: ICredentialDataDecryptedObject, body: IDataObject): string {
	// The number as SMS.CX reads it, so "+33 6 12 24 64 00" and "+33612246400" are one number.
	const countryIso = typeof body.countryIso === 'string' ? body.countryIso : undefined;
	const number = canonicalNumber(String(body.phoneNumber ?? ''), countryIso);
	return createHash('sha256').update(`${credentialScope(fn, credentials)}\n${number}`).digest('hex');
}

/** Whether a Send item is guarded: the option, or by default whether the node runs as an AI tool. */
function isOn(fn: IExecuteFunctions, itemIndex: number): boolean {
	// n8n names the AI-tool variant of a usableAsTool node "<type>Tool" (1.x and 2.x alike).
	const runsAsTool = fn.getNode().type.endsWith('Tool');
	const options = fn.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return readBoolean(options.spendGuard, { label: 'Spend Guard', name: 'spendGuard' }) ?? runsAsTool;
}

function refusal(fn: IExecuteFunctions, itemIndex: number, entry: Entry, now: number): NodeOperationError {
	const seconds = Math.max(1, Math.ceil((entry.expiresAt - now) / 1000));
	const state = entry.otpId ? 'is still pending' : 'is being sent right now';
	return new NodeOperationError(
		fn.getNode(),
		`Not sent: an OTP to this phone number ${state} (spend guard, up to ${seconds} s left). Nothing was sent or charged. Ask the person for the PIN from that SMS and call Verify with its otpId, or wait until it expires; do not call Send again for this number.`,
		{
			itemIndex,
			description:
				'The Spend Guard option refuses a second paid Send to a number while its OTP is pending. Verify or cancel that OTP, wait for it to expire, or turn Spend Guard off in Options.',
		},
	);
}

/** A guarded Send's hold on its number, driven by the item loop around the Send's one call (the Spend Guard's
 * and the Fraud Guard's). */
export interface SendHold {
	/** Right before the call is handed to SMS.CX: refuses while the number's OTP is pending, else holds it. */
	reserve(): void;
	/** SMS.CX's answer: an OTP holds the number for its TTL; a failure that sent nothing frees it. */
	answered(outcome: CallOutcome): void;
	/** The call never left (the run stopped or was cancelled): the number is free at once. */
	neverLeft(): void;
}

/**
 * The hold for a Send item, when the guard is on for it (the option; by default, whether the node runs as an
 * AI tool); undefined otherwise. Reserving is synchronous, so of concurrent Sends for one number in this process
 * only one goes out.
 */
export function spendGuardFor(
	fn: IExecuteFunctions,
	itemIndex: number,
	credentials: ICredentialDataDecryptedObject,
	call: SmscxCall,
): SendHold | undefined {
	if (!isOn(fn, itemIndex)) return undefined;
	const body = call.body ?? {};
	const key = keyFor(fn, credentials, body);
	const requestedTtl = Number(body.ttl) || FALLBACK_TTL_SECONDS;
	let mine: Entry | undefined; // the entry this Send made, while it is still the one held
	const release = () => {
		if (mine !== undefined && entries.get(key) === mine) drop(key);
		mine = undefined;
	};
	return {
		reserve: () => {
			const now = Date.now();
			const held = entries.get(key);
			if (held && held.expiresAt > now) throw refusal(fn, itemIndex, held, now);
			if (held) drop(key);
			makeRoom(now);
			// In flight: held for the requested TTL, in case the answer is lost but the SMS went out.
			mine = { expiresAt: now + requestedTtl * 1000 };
			entries.set(key, mine);
		},
		answered: (outcome) => {
			if (mine === undefined || entries.get(key) !== mine) return;
			if (outcome.ok) {
				const otpId = String(outcome.body.otpId ?? '');
				const ttl = Number(outcome.body.ttl) || requestedTtl;
				drop(key);
				entries.set(key, { otpId, expiresAt: Date.now() + ttl * 1000 });
				if (otpId) keysByOtpId.set(otpId, key);
				mine = undefined;
			} else if (!outcome.failure.mayHaveBeenProcessed) {
				// SMS.CX refused it (bad input, no credit, rate limit, a refused token): nothing was sent.
				release();
			}
		},
		neverLeft: release,
	};
}

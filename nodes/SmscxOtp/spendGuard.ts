import { createHash } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { baseUrlOf } from '../shared/oauth';
import { readBoolean } from '../shared/params';
import type { PreparedItem } from './operations/types';

// Taken from PreparedItem, so the guard wraps `finish` whatever else it is handed.
type Finish = PreparedItem['finish'];
type CallOutcome = Parameters<Finish>[0];

/**
 * The spend guard: a model that loops (or a workflow that fires twice) must not pay for a second SMS to a
 * number whose OTP is still PENDING. Send reserves the number right before its call; Verify, Cancel and
 * Get Status outcomes that end the OTP release it. Per process (n8n's main process or one queue-mode
 * worker), bounded, and keyed by a hash of credential ID + Base URL + phone number: it holds no secret and
 * no phone number.
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

interface Entry {
	/** unset while the Send is in flight */
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

/** The number as SMS.CX reads it: digits (and a leading +), with Country ISO when the number is national. */
function numberKey(body: IDataObject): string {
	const raw = String(body.phoneNumber ?? '');
	const digits = raw.replace(/[^\d+]/g, '');
	return digits.startsWith('+') ? digits : `${String(body.countryIso ?? '').toUpperCase()}:${digits}`;
}

function keyFor(fn: IExecuteFunctions, credentials: ICredentialDataDecryptedObject, body: IDataObject): string {
	const { id, name } = fn.getNode().credentials?.smscxApi ?? { id: null, name: '' };
	const credentialId = id ?? name;
	return createHash('sha256').update(`${credentialId}\n${baseUrlOf(credentials)}\n${numberKey(body)}`).digest('hex');
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

/**
 * Wraps an operation's prepared item with the guard.
 * Send (when the guard is on for the item): refuses or reserves in beforeCall (synchronous, so of concurrent
 * Sends for one number in this process only one goes out), then holds the number for the OTP's TTL.
 * Verify, Cancel, Get Status (always, the guard option only concerns Send): release the number when their
 * answer shows the OTP has ended.
 */
export function withSpendGuard(
	fn: IExecuteFunctions,
	itemIndex: number,
	operation: string,
	credentials: ICredentialDataDecryptedObject,
	ready: PreparedItem,
): PreparedItem {
	if (operation === 'new') return isOn(fn, itemIndex) ? guardSend(fn, itemIndex, credentials, ready) : ready;
	const otpId = ready.call.path.split('/').pop() ?? '';
	return {
		...ready,
		finish: (...args: Parameters<Finish>) => {
			if (endsOtp(operation, args[0])) releaseOtp(otpId);
			return ready.finish(...args);
		},
	};
}

function endsOtp(operation: string, outcome: CallOutcome): boolean {
	if (outcome.ok) {
		if (operation === 'status') return FINAL_STATUSES.includes(String(outcome.body.status));
		return operation === 'verify' || operation === 'cancel';
	}
	const code = Number(outcome.failure.code);
	if (operation === 'verify') return ENDING_VERIFY_CODES.includes(code);
	if (operation === 'cancel') return ENDING_CANCEL_CODES.includes(code);
	return false;
}

function guardSend(
	fn: IExecuteFunctions,
	itemIndex: number,
	credentials: ICredentialDataDecryptedObject,
	ready: PreparedItem,
): PreparedItem {
	const body = ready.call.body ?? {};
	const key = keyFor(fn, credentials, body);
	const requestedTtl = Number(body.ttl) || FALLBACK_TTL_SECONDS;
	return {
		...ready,
		beforeCall: () => {
			ready.beforeCall?.();
			const now = Date.now();
			const held = entries.get(key);
			if (held && held.expiresAt > now) throw refusal(fn, itemIndex, held, now);
			if (held) drop(key);
			makeRoom(now);
			// In flight: held for the requested TTL, in case the answer is lost but the SMS went out.
			entries.set(key, { expiresAt: now + requestedTtl * 1000 });
		},
		finish: (...args: Parameters<Finish>) => {
			const [outcome] = args;
			const held = entries.get(key);
			if (outcome.ok) {
				const otpId = String(outcome.body.otpId ?? '');
				const ttl = Number(outcome.body.ttl) || requestedTtl;
				drop(key);
				entries.set(key, { otpId, expiresAt: Date.now() + ttl * 1000 });
				if (otpId) keysByOtpId.set(otpId, key);
			} else if (held && !held.otpId && !outcome.failure.mayHaveBeenProcessed) {
				// SMS.CX refused it (bad input, no credit, rate limit): nothing was sent, the number is free again.
				drop(key);
			}
			return ready.finish(...args);
		},
	};
}

import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SmscxCall } from '../shared/dispatcher';

import { COUNTRY_CODES } from '../shared/countries';
import { ParameterProblem, isEmpty, readInteger } from '../shared/params';
import { canonicalNumber, countryOf, maskedNumber } from '../shared/phoneNumber';
import { count, countKey, MAX_WINDOW_MINUTES, nextAllowedAt, uncount } from '../shared/sendCounts';
import { credentialScope } from './spendGuard';
import type { SendHold } from './spendGuard';

/**
 * The Fraud Guard against SMS pumping (bots that post numbers they profit from to a public sign-up flow),
 * checked on every Send item right before its paid request leaves: a cap per number, Allowed Countries, and a
 * cap per number range. Counts live in sendCounts.ts (per process, keyed hashes). See docs/fraud-guard.md.
 */

const showForSend = { show: { '/operation': ['new'] } };
const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : undefined;
const countryName = (code: string): string => regionNames?.of(code) ?? code;

export const fraudGuardOptions: INodeProperties[] = [
	{
		displayName: 'Fraud Guard: Allowed Countries',
		name: 'allowedCountries',
		type: 'multiOptions',
		default: [],
		options: [...COUNTRY_CODES]
			.map((code) => ({ name: `${countryName(code)} (${code})`, value: code }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		description:
			'Countries a Send may go to, from the number itself (+1 876 is Jamaica, not the US). Empty: any country. A number elsewhere fails its item before anything is paid.',
		displayOptions: showForSend,
	},
	{
		displayName: 'Fraud Guard: Max Sends Per Number',
		name: 'maxSendsPerNumber',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 },
		default: 5,
		description:
			'At most this many Sends to one phone number per Send Window, per credential (0–100, 0 = off). On at 5 even when not added: room for resends after a lost SMS, none for a bot. The Spend Guard is stricter: one pending OTP per number.',
		displayOptions: showForSend,
	},
	{
		displayName: 'Fraud Guard: Range Digits',
		name: 'rangeDigits',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 6, numberPrecision: 0 },
		default: 3,
		description:
			'How many last digits may differ for numbers to count as one range in Range Velocity Limit (1–6; 3 = a block of 1,000 numbers)',
		displayOptions: showForSend,
	},
	{
		displayName: 'Fraud Guard: Range Velocity Limit',
		name: 'rangeVelocityLimit',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10000, numberPrecision: 0 },
		default: 0,
		description:
			'At most this many Sends per Send Window to numbers differing only in their last Range Digits, the sequential-range pattern of pumping bots (0–10000, 0 = off; 10 is a good start)',
		displayOptions: showForSend,
	},
	{
		displayName: 'Fraud Guard: Send Window (Minutes)',
		name: 'sendWindowMinutes',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_WINDOW_MINUTES, numberPrecision: 0 },
		default: 10,
		description: `The sliding window of Max Sends Per Number and Range Velocity Limit, in minutes (1–${MAX_WINDOW_MINUTES})`,
		displayOptions: showForSend,
	},
];

interface Settings {
	maxSendsPerNumber: number;
	windowMs: number;
	allowedCountries: string[];
	rangeVelocityLimit: number;
	rangeDigits: number;
}

const MAX_ALLOWED_COUNTRIES = 300;

/** Allowed Countries: a list, or text such as "US, CA" from an expression; empty means any country. */
function readCountries(value: unknown): string[] {
	const field = { label: 'Fraud Guard: Allowed Countries', name: 'allowedCountries' };
	const fix = 'Pick countries from the list, or map two-letter codes such as US, CA (ISO 3166-1 alpha-2).';
	if (isEmpty(value)) return [];
	const list = typeof value === 'string' && value.length <= 2000 ? value.split(/[\s,]+/) : value;
	if (!Array.isArray(list) || list.length > MAX_ALLOWED_COUNTRIES) {
		throw new ParameterProblem(field, 'is not a list of country codes', fix, value);
	}
	const codes = list.filter((code) => code !== '');
	for (const code of codes) {
		if (typeof code !== 'string' || !COUNTRY_CODES.has(code)) {
			throw new ParameterProblem(field, 'has a value that is not an ISO 3166 country code', fix, code);
		}
	}
	return codes as string[];
}

function readSettings(fn: IExecuteFunctions, itemIndex: number): Settings {
	const options = fn.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const read = (name: string, label: string, min: number, max: number, fallback: number) =>
		readInteger(options[name], { label: `Fraud Guard: ${label}`, name }, { min, max }) ?? fallback;
	return {
		maxSendsPerNumber: read('maxSendsPerNumber', 'Max Sends Per Number', 0, 100, 5),
		windowMs: read('sendWindowMinutes', 'Send Window (Minutes)', 1, MAX_WINDOW_MINUTES, 10) * 60_000,
		allowedCountries: readCountries(options.allowedCountries),
		rangeVelocityLimit: read('rangeVelocityLimit', 'Range Velocity Limit', 0, 10000, 0),
		rangeDigits: read('rangeDigits', 'Range Digits', 1, 6, 3),
	};
}

/** What a refusal says in the output or error item: which rule, its limit, and when a Send may go again. */
export interface FraudGuardRefusal extends IDataObject {
	rule: 'maxSendsPerNumber' | 'rangeVelocityLimit' | 'allowedCountries';
	limit: string;
	retryAt: string | null;
}

/**
 * `{ fraudGuard }` for an item error the guard raised, else undefined: the error item's `details`. (n8n keeps
 * only error, message and details in an item routed to the error output.)
 */
export function fraudGuardOf(error: { context?: IDataObject }): { fraudGuard: FraudGuardRefusal } | undefined {
	const refusal = error.context?.fraudGuard as FraudGuardRefusal | undefined;
	return refusal ? { fraudGuard: refusal } : undefined;
}

function refuse(
	fn: IExecuteFunctions,
	itemIndex: number,
	refusal: FraudGuardRefusal,
	problem: string,
	advice: string,
): NodeOperationError {
	const error = new NodeOperationError(fn.getNode(), `Not sent: ${problem}. Nothing was sent or charged. ${advice}`, {
		itemIndex,
		description:
			'The Fraud Guard (Send › Options) limits Sends against SMS pumping. See docs/fraud-guard.md to change or turn off its rules.',
	});
	error.context.fraudGuard = refusal;
	return error;
}

function waitText(retryAt: number, now: number): string {
	const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
	const wait = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
	return `${new Date(retryAt).toISOString()} (in ${wait})`;
}

/**
 * The guard's hold for a Send item, driven by the item loop like the Spend Guard's: reserve() checks the rules
 * and counts the Send, synchronously, so of concurrent Sends in this process each sees the ones counted before
 * it. A Send that never left, or that SMS.CX refused without sending anything, gives its counts back.
 */
export function fraudGuardFor(
	fn: IExecuteFunctions,
	itemIndex: number,
	credentials: ICredentialDataDecryptedObject,
	call: SmscxCall,
): SendHold {
	const settings = readSettings(fn, itemIndex);
	const body = call.body ?? {};
	const phoneNumber = String(body.phoneNumber ?? '');
	const countryIso = body.countryIso === undefined ? undefined : String(body.countryIso);
	const canonical = canonicalNumber(phoneNumber, countryIso);
	const masked = maskedNumber(canonical);
	const credential = credentialScope(fn, credentials);
	const window = `${settings.windowMs / 60_000} minutes`;
	let counted: string[] = [];
	let countedAt = 0;
	const giveBack = () => {
		for (const key of counted) uncount(key, countedAt);
		counted = [];
	};

	const checkCountry = () => {
		if (settings.allowedCountries.length === 0) return;
		const country = countryOf(phoneNumber, countryIso);
		if (country !== undefined && settings.allowedCountries.includes(country)) return;
		const where = country ? `a ${countryName(country)} (${country}) number` : 'in no known country';
		const limit = `Allowed Countries: ${settings.allowedCountries.join(', ')}`;
		throw refuse(
			fn,
			itemIndex,
			{ rule: 'allowedCountries', limit, retryAt: null },
			`${masked} is ${where}, and the Fraud Guard's ${limit}`,
			'Tell the person that phone numbers from this country cannot receive codes here; do not call Send again for this number.',
		);
	};

	type Cap = { key: string; limit: number; rule: FraudGuardRefusal['rule']; what: string };
	const caps: Cap[] = [
		{ key: countKey(`number\n${credential}`, canonical), limit: settings.maxSendsPerNumber, rule: 'maxSendsPerNumber', what: 'number' },
		{
			key: countKey(`range ${settings.rangeDigits}\n${credential}`, canonical.slice(0, -settings.rangeDigits)),
			limit: settings.rangeVelocityLimit,
			rule: 'rangeVelocityLimit',
			what: `range of numbers differing only in their last ${settings.rangeDigits} digits`,
		},
	].filter((cap): cap is Cap => cap.limit > 0);

	const checkCap = ({ key, limit, rule, what }: Cap, now: number) => {
		const retryAt = nextAllowedAt(key, limit, settings.windowMs, now);
		if (retryAt === undefined) return;
		const limitText = `${limit} Sends per ${what} per ${window}`;
		throw refuse(
			fn,
			itemIndex,
			{ rule, limit: limitText, retryAt: new Date(retryAt).toISOString() },
			`${masked} reached the Fraud Guard's limit of ${limitText}; the next Send is allowed at ${waitText(retryAt, now)}`,
			rule === 'maxSendsPerNumber'
				? 'Tell the person that too many codes were requested for this number: use the code already sent, or try again after that time. Do not call Send again for this number before then.'
				: 'Tell the person that codes cannot be sent to this number right now and to try again after that time. Do not call Send again for this number before then.',
		);
	};

	return {
		reserve: () => {
			const now = Date.now();
			checkCountry();
			for (const cap of caps) checkCap(cap, now);
			counted = caps.map((cap) => cap.key);
			for (const key of counted) count(key, now);
			countedAt = now;
		},
		answered: (outcome) => {
			if (!outcome.ok && !outcome.failure.mayHaveBeenProcessed) giveBack();
		},
		neverLeft: giveBack,
	};
}

import type { IDataObject } from 'n8n-workflow';

import { COUNTRY_CODES } from './countries';

/**
 * The New OTP rules SMS.CX enforces (error codes 2001–2020), written once as data. They are checked
 * before the paid request leaves, and the same table explains the codes when SMS.CX itself answers them.
 * Order of the checks: the order of the contract's table (SMS.CX does not say which it checks first).
 */
export interface RuleText {
	field: string;
	problem: string;
	fix: string;
}

export const NEW_OTP_RULES: Record<number, RuleText> = {
	2001: { field: 'phoneNumber', problem: 'is missing', fix: 'Enter the number to send the PIN to, e.g. +33612246400.' },
	2002: {
		field: 'countryIso',
		problem: 'is missing or empty',
		fix: 'A number without a leading + is read in national format and needs its country: set Country ISO (e.g. FR), or write the number in E.164 format (+33…).',
	},
	2003: {
		field: 'countryIso',
		problem: 'is not an ISO 3166-1 alpha-2 country code',
		fix: 'Use two capital letters such as GB (not UK), FR or US.',
	},
	2004: {
		field: 'from',
		problem: 'is empty',
		fix: 'Remove Sender ID to use the one saved in the SMS.CX dashboard, or enter 3–15 characters.',
	},
	2005: { field: 'from', problem: 'must be 3–15 characters long', fix: 'Shorten or lengthen the sender ID.' },
	2006: {
		field: 'template',
		problem: 'does not contain {{pin}}',
		fix: 'Put {{pin}} where the code goes, e.g. "Your code is {{pin}}". This applies to localized templates too.',
	},
	2007: { field: 'ttl', problem: 'is not a whole number of seconds', fix: 'Enter a whole number between 60 and 1800.' },
	2008: { field: 'ttl', problem: 'is below the minimum of 60 seconds', fix: 'Enter a value between 60 and 1800.' },
	2009: { field: 'ttl', problem: 'is above the maximum of 1800 seconds', fix: 'Enter a value between 60 and 1800.' },
	2010: { field: 'maxAttempts', problem: 'is not a whole number', fix: 'Enter a whole number between 1 and 10.' },
	2011: { field: 'maxAttempts', problem: 'is below the minimum of 1', fix: 'Enter a value between 1 and 10.' },
	2012: { field: 'maxAttempts', problem: 'is above the maximum of 10', fix: 'Enter a value between 1 and 10.' },
	2013: { field: 'pinType', problem: 'is empty', fix: 'Choose numbers, letters or alphanumeric.' },
	2014: {
		field: 'pinType',
		problem: 'is not one of numbers, letters, alphanumeric',
		fix: 'Choose numbers, letters or alphanumeric.',
	},
	2015: { field: 'pinLength', problem: 'is not a whole number', fix: 'Enter a whole number between 4 and 10.' },
	2016: { field: 'pinLength', problem: 'is below the minimum of 4', fix: 'Enter a value between 4 and 10.' },
	2017: { field: 'pinLength', problem: 'is above the maximum of 10', fix: 'Enter a value between 4 and 10.' },
	2018: {
		field: 'trackId',
		problem: 'is not a lower-case UUID',
		fix: 'Use a UUID such as bf325375-e030-4ccb-a009-17317c574773 (lower case), or leave Track ID empty.',
	},
	2019: {
		field: 'otpCallbackUrl',
		problem: 'is not a valid http(s) URL',
		fix: 'Enter a full URL such as https://example.com/otp-status, or leave Callback URL empty.',
	},
	2020: {
		field: 'phoneNumber',
		problem: 'is not a valid phone number',
		fix: 'Use E.164 format (+ country code and number, e.g. +33612246400), or the national number plus Country ISO.',
	},
};

/** How each wire field is labelled in the node, so messages name what the user sees. */
export const FIELD_LABELS: Record<string, string> = {
	phoneNumber: 'Phone Number',
	countryIso: 'Country ISO',
	from: 'Sender ID',
	template: 'Template',
	ttl: 'TTL (Seconds)',
	maxAttempts: 'Max Attempts',
	pinType: 'PIN Type',
	pinLength: 'PIN Length',
	trackId: 'Track ID',
	otpCallbackUrl: 'Callback URL',
};

export interface RuleViolation extends RuleText {
	code: number;
	value?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Digits with the separators people type; the digit counts follow E.164 (at most 15 digits).
const PHONE_CHARACTERS = /^\+?[0-9 ().\-/]+$/;
const PIN_TYPES = ['numbers', 'letters', 'alphanumeric'];

function violation(code: number, value?: unknown): RuleViolation {
	return { code, value, ...NEW_OTP_RULES[code] };
}

function isGiven(body: IDataObject, key: string): boolean {
	return body[key] !== undefined && body[key] !== null;
}

function checkPhone(body: IDataObject): RuleViolation | undefined {
	const phone = body.phoneNumber;
	if (phone === undefined || phone === null || String(phone).trim() === '') return violation(2001);
	const text = String(phone).trim();
	const digits = text.replace(/\D/g, '');
	const international = text.startsWith('+');
	const validShape =
		PHONE_CHARACTERS.test(text) &&
		(international ? digits.length >= 7 && digits.length <= 15 && digits[0] !== '0' : digits.length >= 4 && digits.length <= 15);
	if (!validShape) return violation(2020, text);
	if (!international && !isGiven(body, 'countryIso')) return violation(2002);
	return undefined;
}

function checkCountry(body: IDataObject): RuleViolation | undefined {
	// SMS.CX ignores the country of an E.164 number, so a wrong one there must not block the send.
	if (!isGiven(body, 'countryIso') || String(body.phoneNumber).trim().startsWith('+')) return undefined;
	const country = String(body.countryIso);
	if (country.trim() === '') return violation(2002);
	if (!COUNTRY_CODES.has(country)) return violation(2003, country);
	return undefined;
}

function checkInteger(
	body: IDataObject,
	key: string,
	min: number,
	max: number,
	codes: [number, number, number],
): RuleViolation | undefined {
	if (!isGiven(body, key)) return undefined;
	const value = body[key];
	if (typeof value !== 'number' || !Number.isInteger(value)) return violation(codes[0], value);
	if (value < min) return violation(codes[1], value);
	if (value > max) return violation(codes[2], value);
	return undefined;
}

function checkTemplates(body: IDataObject): RuleViolation | undefined {
	for (const key of Object.keys(body)) {
		if ((key === 'template' || key.startsWith('template_')) && !String(body[key]).includes('{{pin}}')) {
			return { ...violation(2006, body[key]), field: key };
		}
	}
	return undefined;
}

function isHttpUrl(value: string): boolean {
	// A full http(s) URL: scheme, host, optional port, path and query (no spaces).
	return /^https?:\/\/[^\s/?#:]+(:\d{1,5})?([/?#][^\s]*)?$/i.test(value);
}

/** Returns the first rule the New OTP body breaks, or undefined when SMS.CX would accept it. */
export function findNewOtpViolation(body: IDataObject): RuleViolation | undefined {
	const checks: Array<() => RuleViolation | undefined> = [
		() => checkPhone(body),
		() => checkCountry(body),
		() => {
			if (!isGiven(body, 'from')) return undefined;
			const from = String(body.from);
			if (from === '') return violation(2004);
			return from.length < 3 || from.length > 15 ? violation(2005, from) : undefined;
		},
		() => checkTemplates(body),
		() => checkInteger(body, 'ttl', 60, 1800, [2007, 2008, 2009]),
		() => checkInteger(body, 'maxAttempts', 1, 10, [2010, 2011, 2012]),
		() => {
			if (!isGiven(body, 'pinType')) return undefined;
			if (body.pinType === '') return violation(2013);
			return PIN_TYPES.includes(String(body.pinType)) ? undefined : violation(2014, body.pinType);
		},
		() => checkInteger(body, 'pinLength', 4, 10, [2015, 2016, 2017]),
		() => (isGiven(body, 'trackId') && !UUID.test(String(body.trackId)) ? violation(2018, body.trackId) : undefined),
		() =>
			isGiven(body, 'otpCallbackUrl') && !isHttpUrl(String(body.otpCallbackUrl))
				? violation(2019)
				: undefined,
	];
	for (const check of checks) {
		const found = check();
		if (found) return found;
	}
	return undefined;
}

export function isOtpId(value: string): boolean {
	return UUID.test(value);
}

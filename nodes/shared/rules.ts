/**
 * The SMS.CX OTP rules, written once as data. The node checks them before a request leaves (nodes/shared/params.ts
 * readers take their limits and codes from here), and errors.ts uses the same table to explain the codes when
 * SMS.CX itself answers them. Nothing here depends on a node, so every part of shared/ may import it.
 */

export interface RuleText {
	/** SMS.CX wire name of the field */
	field: string;
	problem: string;
	fix: string;
}

/** The New OTP rules SMS.CX enforces (codes 2001–2020), in the contract's order. */
export const NEW_OTP_RULES: Record<number, RuleText> = {
	2001: { field: 'phoneNumber', problem: 'is missing', fix: 'Enter the number to send the PIN to, e.g. +33612246400.' },
	2002: {
		field: 'countryIso',
		problem: 'is missing',
		fix: 'A number without a leading + needs its country: set Country ISO (e.g. FR), or write the number as +33….',
	},
	2003: {
		field: 'countryIso',
		problem: 'is not an ISO 3166-1 alpha-2 country code',
		fix: 'Use two capital letters such as GB (not UK), FR or US.',
	},
	2004: { field: 'from', problem: 'is empty', fix: 'Enter 3–15 characters, or remove Sender ID.' },
	2005: { field: 'from', problem: 'must be 3–15 characters long', fix: 'Enter 3–15 characters, or remove Sender ID.' },
	2006: {
		field: 'template',
		problem: 'does not contain {{pin}}',
		fix: 'Put {{pin}} where the code goes, e.g. "Your code is {{pin}}".',
	},
	2007: { field: 'ttl', problem: 'is not a whole number', fix: 'Enter a whole number from 60 to 1800.' },
	2008: { field: 'ttl', problem: 'is below the minimum of 60', fix: 'Enter a whole number from 60 to 1800.' },
	2009: { field: 'ttl', problem: 'is above the maximum of 1800', fix: 'Enter a whole number from 60 to 1800.' },
	2010: { field: 'maxAttempts', problem: 'is not a whole number', fix: 'Enter a whole number from 1 to 10.' },
	2011: { field: 'maxAttempts', problem: 'is below the minimum of 1', fix: 'Enter a whole number from 1 to 10.' },
	2012: { field: 'maxAttempts', problem: 'is above the maximum of 10', fix: 'Enter a whole number from 1 to 10.' },
	2013: { field: 'pinType', problem: 'is empty', fix: 'Choose numbers, letters or alphanumeric.' },
	2014: {
		field: 'pinType',
		problem: 'is not one of numbers, letters, alphanumeric',
		fix: 'Choose numbers, letters or alphanumeric.',
	},
	2015: { field: 'pinLength', problem: 'is not a whole number', fix: 'Enter a whole number from 4 to 10.' },
	2016: { field: 'pinLength', problem: 'is below the minimum of 4', fix: 'Enter a whole number from 4 to 10.' },
	2017: { field: 'pinLength', problem: 'is above the maximum of 10', fix: 'Enter a whole number from 4 to 10.' },
	2018: {
		field: 'trackId',
		problem: 'is not a lower-case UUID',
		fix: 'Use a lower-case UUID such as bf325375-e030-4ccb-a009-17317c574773, or leave Track ID empty.',
	},
	2019: {
		field: 'otpCallbackUrl',
		problem: 'is not a valid http(s) URL',
		fix: 'Enter a full URL such as https://example.com/otp-status, or leave Callback URL empty.',
	},
	2020: {
		field: 'phoneNumber',
		problem: 'is not a valid phone number',
		fix: 'Use E.164 format, e.g. +33612246400, or a national number plus Country ISO.',
	},
};

/** How each SMS.CX wire field is labelled in the node, so messages name what the user sees. */
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
	otpId: 'OTP ID',
	pin: 'PIN',
};

/** Whole-number fields: range and the codes for [not a whole number, below min, above max]. */
export const INTEGER_RULES = {
	ttl: { min: 60, max: 1800, codes: [2007, 2008, 2009] },
	maxAttempts: { min: 1, max: 10, codes: [2010, 2011, 2012] },
	pinLength: { min: 4, max: 10, codes: [2015, 2016, 2017] },
} as const;

export const PIN_TYPES = ['alphanumeric', 'letters', 'numbers'] as const;

/** Sender ID length, counted in characters (code points), as a person counts them. */
export const SENDER_ID_LENGTH = { min: 3, max: 15 };

/** The placeholder SMS.CX replaces with the PIN (matched exactly: "{{ pin }}" does not count). */
export const PIN_PLACEHOLDER = '{{pin}}';

/** otpId and trackId: a lower-case UUID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An SMS.CX PIN: 4–10 ASCII letters or digits (the longest PIN Length is 10). */
export const PIN_SHAPE = /^[A-Za-z0-9]{4,10}$/;

// Digits with the separators people type; E.164 allows at most 15 digits.
const PHONE_CHARACTERS = /^\+?[0-9 ().-]+$/;

/** The phone number rule as SMS.CX applies it: E.164 (+, 7–15 digits, not +0) or national (4–15 digits). */
export function phoneShape(text: string): 'e164' | 'national' | 'invalid' {
	if (!PHONE_CHARACTERS.test(text)) return 'invalid';
	const digits = text.replace(/[^0-9]/g, '');
	if (text.startsWith('+')) return digits.length >= 7 && digits.length <= 15 && digits[0] !== '0' ? 'e164' : 'invalid';
	return digits.length >= 4 && digits.length <= 15 ? 'national' : 'invalid';
}

/** The statuses an OTP can have (Get Status, callbacks). */
export const OTP_STATUSES = ['CANCELLED', 'EXPIRED', 'FAILED', 'PENDING', 'VERIFIED'] as const;

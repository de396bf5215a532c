'use strict';
// Phone numbers as the team chose: E.164 = '+' then 7-15 digits, first digit not 0;
// national = 4-15 digits and needs countryIso. Spaces, dashes, dots and parentheses are allowed.

const DIAL = require('./iso-countries.json'); // ISO-3166 alpha-2 -> calling code

// Several countries share a calling code; this is the one an E.164 number maps to.
const PRIMARY = {
	1: 'US', 7: 'RU', 39: 'IT', 44: 'GB', 47: 'NO', 61: 'AU', 64: 'NZ', 212: 'MA', 262: 'RE',
	290: 'SH', 358: 'FI', 500: 'FK', 590: 'GP', 599: 'CW', 672: 'NF',
};
// Countries whose national numbers keep their leading 0 in E.164.
const KEEP_ZERO = new Set(['IT', 'SM', 'VA']);
// ISO 3166 'user-assigned' code, for calling codes no country holds (e.g. +800, +999).
const UNKNOWN_COUNTRY = 'XX';

const BY_DIAL = new Map();
for (const [iso, dial] of Object.entries(DIAL)) {
	if (!BY_DIAL.has(dial)) BY_DIAL.set(dial, []);
	BY_DIAL.get(dial).push(iso);
}

const SEPARATORS = /[\s\-.()]/g;

function isCountry(code) {
	return typeof code === 'string' && Object.hasOwn(DIAL, code);
}

// -> { kind: 'e164' | 'national' | 'invalid', digits }
function classify(input) {
	const s = input.trim();
	const plus = s.startsWith('+');
	const digits = (plus ? s.slice(1) : s).replace(SEPARATORS, '');
	if (!/^\d+$/.test(digits)) return { kind: 'invalid' };
	if (plus) {
		const ok = digits.length >= 7 && digits.length <= 15 && digits[0] !== '0';
		return ok ? { kind: 'e164', digits } : { kind: 'invalid' };
	}
	return digits.length >= 4 && digits.length <= 15 ? { kind: 'national', digits } : { kind: 'invalid' };
}

// Country of an E.164 number; a valid `hint` wins when it shares the calling code (+1 with CA).
function countryOf(digits, hint) {
	for (let len = 1; len <= 3; len++) {
		const dial = digits.slice(0, len);
		const countries = BY_DIAL.get(dial);
		if (!countries) continue;
		if (countries.includes(hint)) return hint;
		return PRIMARY[dial] || countries[0];
	}
	return UNKNOWN_COUNTRY;
}

// National digits + country -> E.164 string, or null when the result is too long.
function toE164(digits, iso) {
	const national = KEEP_ZERO.has(iso) ? digits : digits.replace(/^0/, '');
	const full = DIAL[iso] + national;
	return full.length <= 15 ? `+${full}` : null;
}

module.exports = { classify, countryOf, toE164, isCountry };

import { callingCodeOf, countryOfNumber } from './numberingPlan';

/**
 * Phone numbers as SMS.CX reads them, so that guards count "+33 6 12 24 64 00", "+33612246400" and
 * "06 12 24 64 00" with Country ISO FR as one number. Expects a number that already passed phoneShape (rules.ts).
 */

/** Countries whose national numbers keep their leading 0 in E.164 (Italy's fixed lines and its enclaves). */
const KEEP_TRUNK_ZERO = new Set(['IT', 'SM', 'VA']);

/**
 * The number in E.164 ("+33612246400"). A national number becomes E.164 as SMS.CX makes it: the trunk 0
 * dropped (except IT, SM, VA), then the calling code of Country ISO. A national number without a known
 * country stays "<ISO>:<digits>", so it still counts as one number.
 */
export function canonicalNumber(phoneNumber: string, countryIso?: string): string {
	const digits = phoneNumber.replace(/[^0-9]/g, '');
	if (phoneNumber.trim().startsWith('+')) return `+${digits}`;
	const country = (countryIso ?? '').toUpperCase();
	const code = callingCodeOf(country);
	if (code === undefined) return `${country}:${digits}`;
	return `+${code}${KEEP_TRUNK_ZERO.has(country) ? digits : digits.replace(/^0/, '')}`;
}

/**
 * The country SMS.CX will send to (ISO 3166 alpha-2), from the number itself; Country ISO only picks among
 * countries the numbering plan cannot tell apart. Undefined when no country holds the calling code.
 */
export function countryOf(phoneNumber: string, countryIso?: string): string | undefined {
	const canonical = canonicalNumber(phoneNumber, countryIso);
	if (!canonical.startsWith('+')) return undefined;
	const national = !phoneNumber.trim().startsWith('+');
	return countryOfNumber(canonical.slice(1), national ? countryIso?.toUpperCase() : undefined);
}

/** The number with every digit hidden but the last three: "+33612246400" → "+********400". */
export function maskedNumber(canonical: string): string {
	const digits = canonical.replace(/[^0-9]/g, '');
	const shown = digits.slice(-3);
	return `${canonical.startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, digits.length - shown.length))}${shown}`;
}

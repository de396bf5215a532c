/**
 * Phone numbers as SMS.CX reads them, so that guards count "+33 6 12 24 64 00" and "+33612246400" as one number.
 * Expects a number that already passed phoneShape (rules.ts).
 */

/**
 * The number in one canonical form: E.164 ("+33612246400") for an E.164 number; for a national number, its
 * country and digits ("FR:0612246400") until the numbering plan can turn it into E.164.
 */
export function canonicalNumber(phoneNumber: string, countryIso?: string): string {
	const digits = phoneNumber.replace(/[^0-9]/g, '');
	if (phoneNumber.trim().startsWith('+')) return `+${digits}`;
	return `${(countryIso ?? '').toUpperCase()}:${digits}`;
}

/**
 * The one typed path every parameter is read through. In n8n a parameter usually comes from an expression,
 * so it can arrive as null, a number, an object, an array, a megabyte of text or a Unicode look-alike.
 * Rules:
 * - empty (undefined, null, '' or only white space) means "not set": the reader returns undefined;
 * - anything else must have the expected shape, or the reader throws a ParameterProblem that names the field,
 *   shows a short, escaped copy of the value, says how to fix it and which SMS.CX code it would cause.
 * The functions are pure (value in, value or ParameterProblem out); errors.ts turns a problem into the item's
 * NodeOperationError with its itemIndex. Problems are only raised while items are prepared, before any request,
 * so every message can say that nothing was sent.
 */
import { UUID } from './rules';

/** A field as the user sees it: its label in the editor and its parameter (or SMS.CX wire) name. */
export interface Field {
	label: string;
	name: string;
}

const HIDDEN = Symbol('hidden value');

/** A parameter value the node cannot use. `code` is the SMS.CX error code the value would cause, if any. */
export class ParameterProblem extends Error {
	constructor(
		readonly field: Field,
		readonly problem: string,
		readonly fix: string,
		readonly value: unknown = HIDDEN,
		readonly code?: number,
	) {
		const got = value === HIDDEN ? '' : ` (got ${describeValue(value)})`;
		const refusal = code === undefined ? '' : `: SMS.CX would refuse it with code ${code}`;
		// Short enough for an AI agent, which only sees the message: field, what is wrong, the fix, nothing sent.
		super(`${field.label} (${field.name}) ${problem}${got}${refusal}. ${fix} Nothing was sent.`);
		this.name = 'ParameterProblem';
	}
}

/** A problem whose value must not be shown (a PIN): only its type is named. */
export function hiddenValue(value: unknown): string {
	if (value === null) return 'null';
	return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

const MAX_SHOWN = 60;

/**
 * A short, single-line copy of a value for a message: control characters escaped (no forged log lines),
 * at most about 60 characters, with the full length named when it was cut.
 */
export function describeValue(value: unknown): string {
	let text: string;
	if (typeof value === 'string') {
		// Cut before escaping, so a megabyte is never copied whole.
		const chars = Array.from(value.length > MAX_SHOWN * 4 ? value.slice(0, MAX_SHOWN * 4) : value);
		const shown = JSON.stringify(chars.slice(0, MAX_SHOWN).join(''));
		const length = value.length > MAX_SHOWN * 4 ? value.length : chars.length;
		text = length > MAX_SHOWN ? `${shown.slice(0, -1)}…" (${length} characters)` : shown;
	} else if (value === null || typeof value !== 'object') text = String(value);
	else if (Array.isArray(value)) text = `an array of ${value.length}`;
	else text = 'an object';
	// JSON.stringify escapes C0 controls; also escape the ones it keeps (DEL, C1, line/paragraph separators).
	return text.replace(
		/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

export function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A string, trimmed; numbers are accepted as their decimal text (an expression may yield 42 for "42"). */
export function readString(value: unknown, field: Field, fix: string, code?: number): string | undefined {
	if (isEmpty(value)) return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') throw new ParameterProblem(field, 'is not text', fix, value, code);
	return value.trim();
}

/** A string that must match `pattern` exactly (no case folding), e.g. a lower-case UUID. */
export function readPattern(
	value: unknown,
	field: Field,
	pattern: RegExp,
	problem: string,
	fix: string,
	code?: number,
): string | undefined {
	const text = readString(value, field, fix, code);
	if (text !== undefined && !pattern.test(text)) throw new ParameterProblem(field, problem, fix, value, code);
	return text;
}

/** A lower-case UUID (otpId, trackId). */
export function readUuid(value: unknown, field: Field, fix: string, code?: number): string | undefined {
	return readPattern(value, field, UUID, 'is not a lower-case UUID', fix, code);
}

/**
 * A whole number within [min, max]; a string of digits ("180") counts as that number.
 * `codes` are the SMS.CX codes for not-a-number, below min and above max, where SMS.CX checks the field.
 */
export function readInteger(
	value: unknown,
	field: Field,
	range: { min: number; max: number },
	codes: readonly [number, number, number] | readonly [] = [],
): number | undefined {
	if (isEmpty(value)) return undefined;
	const fix = `Enter a whole number from ${range.min} to ${range.max}.`;
	const number = typeof value === 'string' && /^\s*-?[0-9]{1,16}\s*$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number)) {
		throw new ParameterProblem(field, 'is not a whole number', fix, value, codes[0]);
	}
	if (number < range.min) throw new ParameterProblem(field, `is below the minimum of ${range.min}`, fix, value, codes[1]);
	if (number > range.max) throw new ParameterProblem(field, `is above the maximum of ${range.max}`, fix, value, codes[2]);
	return number;
}

/** true or false; the strings "true" and "false" count too (from an expression). */
export function readBoolean(value: unknown, field: Field): boolean | undefined {
	if (isEmpty(value)) return undefined;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw new ParameterProblem(field, 'is not true or false', 'Turn it on or off, or map a boolean.', value);
}

/** One of a fixed list of values, compared exactly (no look-alikes, no case folding). */
export function readChoice<T extends string>(
	value: unknown,
	field: Field,
	choices: readonly T[],
	code?: number,
): T | undefined {
	if (isEmpty(value)) return undefined;
	const text = typeof value === 'string' ? value.trim() : value;
	if (typeof text === 'string' && (choices as readonly string[]).includes(text)) return text as T;
	throw new ParameterProblem(field, `is not one of ${choices.join(', ')}`, `Choose ${choices.join(', ')}.`, value, code);
}

// Anything URL would silently drop or re-encode (white space, control characters) is refused instead.
const URL_UNSAFE = /[\s\u0000-\u001f\u007f-\u009f]/;

/** A full http(s) URL, as the WHATWG URL parser reads it (IPv6 hosts and user:pass@ included). */
export function readUrl(value: unknown, field: Field, fix: string, code?: number): string | undefined {
	const text = readString(value, field, fix, code);
	if (text === undefined) return undefined;
	let url: URL | undefined;
	try {
		url = URL_UNSAFE.test(text) ? undefined : new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
		throw new ParameterProblem(field, 'is not a valid http(s) URL', fix, value, code);
	}
	return text;
}

/**
 * A URL with `name=value` as its query parameter: any parameter of that name already there is replaced, the
 * rest of the query stays byte for byte, and the parameter goes before the #fragment (which never reaches a server).
 */
export function withQueryParameter(url: string, name: string, value: string): string {
	const hashAt = url.indexOf('#');
	const fragment = hashAt === -1 ? '' : url.slice(hashAt);
	const beforeFragment = hashAt === -1 ? url : url.slice(0, hashAt);
	const queryAt = beforeFragment.indexOf('?');
	const base = queryAt === -1 ? beforeFragment : beforeFragment.slice(0, queryAt);
	const query = queryAt === -1 ? [] : beforeFragment.slice(queryAt + 1).split('&');
	const kept = query.filter((pair) => pair !== '' && pair.split('=')[0] !== name);
	kept.push(`${name}=${encodeURIComponent(value)}`);
	return `${base}?${kept.join('&')}${fragment}`;
}

/** A collection parameter (Additional Fields, Options): an object, or empty. */
export function readCollection(value: unknown, field: Field): Record<string, unknown> {
	if (value === undefined || value === null || value === '') return {};
	if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
	throw new ParameterProblem(field, 'is not a set of fields', 'Add the fields in the editor instead of mapping them.', value);
}

export type PinReading = { kind: 'pin'; pin: string } | { kind: 'impossible'; reason: string };

/**
 * The PIN a person typed. Text (or a whole number) comes back as a PIN when it has the shape of an SMS.CX PIN
 * (4–10 ASCII letters or digits after trimming), else as `impossible`: a typo, never sent, so it spends no
 * attempt. Anything that is not text (an object, an array, true) is a mapping mistake and a ParameterProblem.
 * The value is never shown: a PIN is a secret.
 */
export function readPin(value: unknown, field: Field, shape: RegExp, code?: number): PinReading | undefined {
	if (isEmpty(value)) return undefined;
	const text =
		typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : value;
	if (typeof text !== 'string') {
		throw new ParameterProblem(
			field,
			`is ${hiddenValue(value)}, not text`,
			'Map the text the person typed, e.g. {{ $json.pin }}.',
			HIDDEN,
			code,
		);
	}
	const pin = text.trim();
	if (shape.test(pin)) return { kind: 'pin', pin };
	const length = Array.from(pin).length;
	const reason =
		length < 4 || length > 10
			? `it has ${length} characters, not 4–10`
			: 'it has characters other than the letters A–Z and digits 0–9';
	return { kind: 'impossible', reason };
}

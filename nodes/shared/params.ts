/**
 * The one typed path every parameter is read through. In n8n a parameter usually comes from an expression,
 * so it can arrive as null, a number, an object, an array, a megabyte of text or a Unicode look-alike.
 * Rules:
 * - empty (undefined, null, '' or only white space) means "not set": the reader returns undefined;
 * - anything else must have the expected shape, or the reader throws a ParameterProblem that names the field,
 *   shows a short, escaped copy of the value and says how to fix it.
 * The functions are pure (value in, value or ParameterProblem out); callers turn a problem into the item's
 * NodeOperationError with its itemIndex.
 */

/** A field as the user sees it: its label in the editor and its parameter (or SMS.CX wire) name. */
export interface Field {
	label: string;
	name: string;
}

/** A parameter value the node cannot use. `code` is the SMS.CX error code the value would cause, if any. */
export class ParameterProblem extends Error {
	constructor(
		readonly field: Field,
		readonly problem: string,
		readonly fix: string,
		readonly value?: unknown,
		readonly code?: number,
	) {
		super(`${field.label} (${field.name}) ${problem}${value === undefined ? '' : ` (got ${describeValue(value)})`}`);
		this.name = 'ParameterProblem';
	}
}

const MAX_SHOWN = 60;

/**
 * A short, single-line copy of a value for a message: control characters escaped (no forged log lines),
 * at most about 60 characters, with the full length named when it was cut.
 */
export function describeValue(value: unknown): string {
	let text: string;
	if (typeof value === 'string') text = JSON.stringify(value);
	else if (value === null || typeof value !== 'object') text = String(value);
	else if (Array.isArray(value)) text = `an array of ${value.length}`;
	else text = 'an object';
	// JSON.stringify escapes C0 controls; also escape the ones it keeps (C1, line/paragraph separators).
	text = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	const chars = Array.from(text);
	return chars.length <= MAX_SHOWN ? text : `${chars.slice(0, MAX_SHOWN).join('')}… (${chars.length} characters)`;
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

/**
 * A whole number within [min, max]; a string of digits ("180") counts as that number.
 * `codes` are the SMS.CX codes for not-a-number, below min and above max, where SMS.CX checks the field.
 */
export function readInteger(
	value: unknown,
	field: Field,
	range: { min: number; max: number },
	codes: [number, number, number] | [] = [],
): number | undefined {
	if (isEmpty(value)) return undefined;
	const fix = `Enter a whole number from ${range.min} to ${range.max}.`;
	const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
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

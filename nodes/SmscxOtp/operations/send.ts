import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { COUNTRY_CODES } from '../../shared/countries';
import {
	ParameterProblem,
	readBoolean,
	readChoice,
	readCollection,
	readInteger,
	readString,
	readUrl,
	readUuid,
	withQueryParameter,
} from '../../shared/params';
import type { Field } from '../../shared/params';
import { redactOtp } from '../../shared/redact';
import {
	FIELD_LABELS,
	INTEGER_RULES,
	NEW_OTP_RULES,
	PIN_PLACEHOLDER,
	PIN_TYPES,
	SENDER_ID_LENGTH,
	phoneShape,
} from '../../shared/rules';
import { smsSize } from '../../shared/sms-parts';
import { bodyOrThrow, readsParameters } from './types';

/** Max SMS Parts when the field is not added: room for any sensible OTP text, never a pasted document. */
export const DEFAULT_MAX_SMS_PARTS = 3;

const field = (name: string): Field => ({ label: FIELD_LABELS[name] ?? name, name });

/** A ParameterProblem for one of SMS.CX's New OTP rules, worded from the rules table. */
function broken(code: number, value?: unknown): ParameterProblem {
	const rule = NEW_OTP_RULES[code];
	return new ParameterProblem(field(rule.field), rule.problem, rule.fix, value, code);
}

// Characters no SMS field should carry (a NUL, an escape); templates may keep line breaks and tabs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const TEMPLATE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

function readPhone(value: unknown): { phoneNumber: string; national: boolean } {
	const phoneNumber = readString(value, field('phoneNumber'), NEW_OTP_RULES[2020].fix, 2020);
	if (phoneNumber === undefined) throw broken(2001);
	const shape = phoneShape(phoneNumber);
	if (shape === 'invalid') throw broken(2020, value);
	return { phoneNumber, national: shape === 'national' };
}

function readSenderId(value: unknown): string | undefined {
	const from = readString(value, field('from'), NEW_OTP_RULES[2005].fix, 2005);
	if (from === undefined) return undefined;
	if (CONTROL.test(from)) {
		throw new ParameterProblem(field('from'), 'contains control characters', 'Use letters, digits and spaces.', value);
	}
	// Characters as a person counts them (code points), not UTF-16 units.
	const length = Array.from(from).length;
	if (length < SENDER_ID_LENGTH.min || length > SENDER_ID_LENGTH.max) throw broken(2005, value);
	return from;
}

function readTemplate(value: unknown, templateField: Field): string | undefined {
	const template = readString(value, templateField, NEW_OTP_RULES[2006].fix, 2006);
	if (template === undefined) return undefined;
	if (TEMPLATE_CONTROL.test(template)) {
		throw new ParameterProblem(templateField, 'contains control characters', 'Remove them from the text.', value);
	}
	if (!template.includes(PIN_PLACEHOLDER)) {
		throw new ParameterProblem(templateField, NEW_OTP_RULES[2006].problem, NEW_OTP_RULES[2006].fix, value, 2006);
	}
	return template;
}

/** Localized Templates rows as template_<language> keys; a row with neither language nor text is not set. */
function readLocalizedTemplates(value: unknown): IDataObject {
	const rowsField = { label: 'Localized Templates', name: 'localizedTemplates' };
	const rows = readCollection(value, rowsField).template ?? [];
	if (!Array.isArray(rows)) {
		throw new ParameterProblem(rowsField, 'is not a list of rows', 'Add the rows in the editor.', rows);
	}
	const templates: IDataObject = {};
	for (const row of rows) {
		const { language, text } = readCollection(row, rowsField);
		const languageField = { label: 'Localized Templates › Language', name: 'language' };
		const fix = 'Use a two-letter language code (ISO 639-1) such as fr, de or es.';
		const code = readString(language, languageField, fix)?.toLowerCase();
		if (code === undefined) {
			if (readString(text, rowsField, fix) === undefined) continue;
			throw new ParameterProblem(languageField, 'is empty', fix);
		}
		if (!/^[a-z]{2}$/.test(code)) throw new ParameterProblem(languageField, 'is not a two-letter code', fix, language);
		const key = `template_${code}`;
		if (templates[key] !== undefined) {
			throw new ParameterProblem(languageField, `has two rows for ${code}`, 'Keep one row per language.', language);
		}
		const textField = { label: `Localized Templates › Text (${code})`, name: key };
		const template = readTemplate(text, textField);
		if (template === undefined) {
			throw new ParameterProblem(textField, NEW_OTP_RULES[2006].problem, NEW_OTP_RULES[2006].fix, undefined, 2006);
		}
		templates[key] = template;
	}
	return templates;
}

/**
 * Refuses a template that would be billed as more than `maxParts` SMS parts, counting the longest PIN it can
 * get (a mapping mistake once made a 1 MB template: 6,854 parts in one Send).
 */
function checkCost(body: IDataObject, maxParts: number): void {
	const pin = 'X'.repeat((body.pinLength as number | undefined) ?? INTEGER_RULES.pinLength.max);
	for (const [key, value] of Object.entries(body)) {
		if (key !== 'template' && !key.startsWith('template_')) continue;
		const size = smsSize((value as string).split(PIN_PLACEHOLDER).join(pin));
		if (size.parts > maxParts) {
			const templateField = key === 'template' ? field('template') : { label: 'Localized Templates › Text', name: key };
			throw new ParameterProblem(
				templateField,
				`would be billed as ${size.parts} SMS parts (${size.units} ${size.encoding} characters), more than Max SMS Parts (${maxParts})`,
				'Shorten the text, or raise Max SMS Parts.',
			);
		}
	}
}

/** Reads every Send parameter and builds the New OTP body under its wire names; refuses what SMS.CX would. */
function buildBody(fn: IExecuteFunctions, itemIndex: number, credentials: ICredentialDataDecryptedObject): IDataObject {
	const { phoneNumber, national } = readPhone(fn.getNodeParameter('phoneNumber', itemIndex, ''));
	const fields = readCollection(fn.getNodeParameter('additionalFields', itemIndex, {}), {
		label: 'Additional Fields',
		name: 'additionalFields',
	});
	const body: IDataObject = { phoneNumber };

	const countryIso = readString(fields.countryIso, field('countryIso'), NEW_OTP_RULES[2003].fix, 2003);
	const validCountry = countryIso !== undefined && COUNTRY_CODES.has(countryIso);
	if (national && countryIso === undefined) throw broken(2002);
	if (national && !validCountry) throw broken(2003, fields.countryIso);
	// SMS.CX ignores the country of an E.164 number, so a wrong one there neither blocks the send nor is sent.
	if (validCountry) body.countryIso = countryIso;

	const optional: IDataObject = {
		from: readSenderId(fields.from),
		template: readTemplate(fields.template, field('template')),
		trackId: readUuid(fields.trackId, field('trackId'), NEW_OTP_RULES[2018].fix, 2018),
		ttl: readInteger(fields.ttl, field('ttl'), INTEGER_RULES.ttl, INTEGER_RULES.ttl.codes),
		maxAttempts: readInteger(fields.maxAttempts, field('maxAttempts'), INTEGER_RULES.maxAttempts, INTEGER_RULES.maxAttempts.codes),
		pinType: readChoice(fields.pinType, field('pinType'), PIN_TYPES, 2014),
		pinLength: readInteger(fields.pinLength, field('pinLength'), INTEGER_RULES.pinLength, INTEGER_RULES.pinLength.codes),
		otpCallbackUrl: readUrl(fields.otpCallbackUrl, field('otpCallbackUrl'), NEW_OTP_RULES[2019].fix, 2019),
		...readLocalizedTemplates(fields.localizedTemplates),
	};
	for (const [key, value] of Object.entries(optional)) if (value !== undefined) body[key] = value;

	const maxSmsParts =
		readInteger(fields.maxSmsParts, { label: 'Max SMS Parts', name: 'maxSmsParts' }, { min: 1, max: 20 }) ??
		DEFAULT_MAX_SMS_PARTS;
	checkCost(body, maxSmsParts);

	const tokenField = { label: 'Callback URL Token', name: 'appendWebhookSecret' };
	if (readBoolean(fields.appendWebhookSecret, tokenField) === true) {
		if (body.otpCallbackUrl === undefined) {
			throw new ParameterProblem(
				tokenField,
				'is on but Callback URL is empty',
				"Enter Callback URL (the trigger's Production URL), or remove Callback URL Token.",
			);
		}
		const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
		if (secret === '') {
			throw new ParameterProblem(
				tokenField,
				'needs a Webhook Secret, and the SMS.CX API credential has none',
				'Set a Webhook Secret in the credential (the trigger needs it too), or remove Callback URL Token.',
			);
		}
		body.otpCallbackUrl = withQueryParameter(body.otpCallbackUrl as string, 'token', secret);
	}
	return body;
}

/** New OTP: checks every SMS.CX rule first, then sends the (paid) request exactly once. */
export const send = readsParameters((fn, itemIndex, credentials) => {
	const body = buildBody(fn, itemIndex, credentials);
	return {
		call: { method: 'POST', path: '/otp', body, idempotent: false },
		finish: (outcome) => redactOtp(bodyOrThrow(fn, itemIndex, outcome, true)),
	};
});

'use strict';
// The New OTP rules 2001-2020, checked in the contract table's order; the first broken rule wins.
// `undefined` means "not given" (dashboard default applies); `null` counts as given-and-empty,
// so a client that sends nulls is caught here rather than by the real API.

const { classify, countryOf, toE164, isCountry } = require('./phone');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PIN_TYPES = ['letters', 'numbers', 'alphanumeric'];
const LOCALIZED_TEMPLATE = /^template_[a-z]{2}$/;

const isEmpty = (v) => v === null || v === '';
const hasPin = (v) => typeof v === 'string' && v.includes('{{pin}}');

function isHttpUrl(v) {
	if (typeof v !== 'string') return false;
	try {
		const u = new URL(v);
		return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
	} catch {
		return false;
	}
}

function checkPhone(body) {
	const { phoneNumber: phone, countryIso } = body;
	if (phone === undefined || isEmpty(phone)) return { code: 2001 };
	if (typeof phone !== 'string') return { code: 2020 };
	const parsed = classify(phone);
	if (parsed.kind === 'e164') {
		// countryIso is ignored for E.164 numbers (contract), except to pick among shared codes.
		const iso = countryOf(parsed.digits, countryIso);
		return { phoneNumber: `+${parsed.digits}`, countryIso: iso };
	}
	if (parsed.kind === 'invalid') return { code: 2020 };
	if (countryIso === undefined || isEmpty(countryIso)) return { code: 2002 };
	if (!isCountry(countryIso)) return { code: 2003 };
	const e164 = toE164(parsed.digits, countryIso);
	return e164 ? { phoneNumber: e164, countryIso } : { code: 2020 };
}

// Optional string field: code for empty (if any), code when present but invalid.
function stringRule(key, emptyCode, invalidCode, valid) {
	return (body) => {
		const v = body[key];
		if (v === undefined) return null;
		if (emptyCode && isEmpty(v)) return emptyCode;
		return typeof v === 'string' && valid(v) ? null : invalidCode;
	};
}

// Optional integer field: [notInteger, belowMin, aboveMax]. A numeric string is not an integer.
function intRule(key, min, max, [notInt, low, high]) {
	return (body) => {
		const v = body[key];
		if (v === undefined) return null;
		if (typeof v !== 'number' || !Number.isInteger(v)) return notInt;
		if (v < min) return low;
		return v > max ? high : null;
	};
}

function localizedTemplates(body) {
	const bad = Object.keys(body).some((k) => LOCALIZED_TEMPLATE.test(k) && !hasPin(body[k]));
	return bad ? 2006 : null;
}

const RULES = [
	stringRule('from', 2004, 2005, (v) => [...v].length >= 3 && [...v].length <= 15), // characters, not UTF-16 units
	stringRule('template', null, 2006, hasPin),
	stringRule('trackId', null, 2018, (v) => UUID.test(v)),
	intRule('ttl', 60, 1800, [2007, 2008, 2009]),
	intRule('maxAttempts', 1, 10, [2010, 2011, 2012]),
	stringRule('pinType', 2013, 2014, (v) => PIN_TYPES.includes(v)),
	intRule('pinLength', 4, 10, [2015, 2016, 2017]),
	stringRule('otpCallbackUrl', null, 2019, isHttpUrl),
	localizedTemplates,
];

// -> { code } or { params } with the dashboard defaults filled in.
function validateNewOtp(body, defaults) {
	const phone = checkPhone(body);
	if (phone.code) return { code: phone.code };
	for (const rule of RULES) {
		const code = rule(body);
		if (code) return { code };
	}
	const pick = (key) => (body[key] === undefined ? defaults[key] : body[key]);
	const localized = {};
	for (const key of Object.keys(body)) {
		if (LOCALIZED_TEMPLATE.test(key)) localized[key.slice('template_'.length)] = body[key];
	}
	return {
		params: {
			phoneNumber: phone.phoneNumber,
			countryIso: phone.countryIso,
			trackId: body.trackId === undefined ? null : body.trackId,
			from: pick('from'),
			template: pick('template'),
			localized,
			ttl: pick('ttl'),
			maxAttempts: pick('maxAttempts'),
			pinType: pick('pinType'),
			pinLength: pick('pinLength'),
			otpCallbackUrl: pick('otpCallbackUrl') || null,
		},
	};
}

module.exports = { validateNewOtp, UUID };

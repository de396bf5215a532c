'use strict';
// What the "sent" SMS looks like: the PIN, the text (localized template if one fits), its parts.

const { randomInt } = require('node:crypto');

const ALPHABETS = {
	numbers: '0123456789',
	letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
	alphanumeric: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
};

// One language per country (the stand-in's choice); template_<lang> is used when present.
const LANG_BY_COUNTRY = {
	FR: 'fr', BE: 'fr', LU: 'fr', MC: 'fr', DE: 'de', AT: 'de', CH: 'de', LI: 'de',
	ES: 'es', MX: 'es', AR: 'es', CO: 'es', CL: 'es', PE: 'es', IT: 'it', SM: 'it',
	PT: 'pt', BR: 'pt', NL: 'nl', PL: 'pl', RO: 'ro', MD: 'ro', GR: 'el', TR: 'tr',
	RU: 'ru', UA: 'uk', CZ: 'cs', SK: 'sk', HU: 'hu', SE: 'sv', DK: 'da', NO: 'no',
	FI: 'fi', BG: 'bg', HR: 'hr', SI: 'sl', RS: 'sr',
};

function generatePin(type, length) {
	const alphabet = ALPHABETS[type];
	let pin = '';
	for (let i = 0; i < length; i++) pin += alphabet[randomInt(alphabet.length)];
	return pin;
}

// Billed parts: GSM-7 when every character is in the GSM 03.38 alphabet (160 in one part, 153 per part, the
// extension characters count 2), else UCS-2 (70 in one part, 67 per part, in UTF-16 units).
const GSM_BASIC = new Set(
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿' +
		'abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

function countParts(text) {
	let septets = 0;
	for (const char of text) {
		if (GSM_BASIC.has(char)) septets += 1;
		else if (GSM_EXTENSION.has(char)) septets += 2;
		else return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
	}
	return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

// params: validated New OTP params (rules.js).
function composeSms(params) {
	const pin = generatePin(params.pinType, params.pinLength);
	const lang = LANG_BY_COUNTRY[params.countryIso];
	const template = (lang && params.localized[lang]) || params.template;
	const text = template.split('{{pin}}').join(pin);
	return { pin, text, parts: countParts(text) };
}

module.exports = { composeSms, countParts };

/**
 * How many SMS parts a text is billed as. An SMS is GSM-7 encoded when every character is in the GSM 03.38
 * alphabet (160 characters in one part, 153 per part when split; the extension characters below take two),
 * otherwise UCS-2 (70 in one part, 67 per part; characters outside the Basic Multilingual Plane take two).
 */
const GSM_BASIC = new Set(
	Array.from(
		'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿' +
			'abcdefghijklmnopqrstuvwxyzäöñüà',
	),
);
const GSM_EXTENSION = new Set(Array.from('\f^{}\\[~]|€'));

export interface SmsSize {
	encoding: 'GSM-7' | 'UCS-2';
	/** septets (GSM-7) or UTF-16 units (UCS-2) */
	units: number;
	parts: number;
}

export function smsSize(text: string): SmsSize {
	let septets = 0;
	for (const char of text) {
		if (GSM_BASIC.has(char)) septets += 1;
		else if (GSM_EXTENSION.has(char)) septets += 2;
		else {
			const units = text.length;
			return { encoding: 'UCS-2', units, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
		}
	}
	return { encoding: 'GSM-7', units: septets, parts: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { redactOtp } from '../../shared/redact';
import { FIELD_LABELS, findNewOtpViolation } from '../validation';
import { bodyOrThrow } from './types';
import type { PrepareItem } from './types';

const showForSend = { show: { operation: ['new'] } };

export const sendFields: INodeProperties[] = [
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +33612246400',
		description:
			'The number to send the PIN to: E.164 format (+ and country code), or national format together with Country ISO',
		displayOptions: showForSend,
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Override the OTP defaults saved in the SMS.CX dashboard for this request',
		displayOptions: showForSend,
		options: [
			{
				displayName: 'Add Webhook Secret to Callback URL',
				name: 'appendWebhookSecret',
				type: 'boolean',
				default: true,
				description:
					"Whether to append the credential's webhook secret to Callback URL as ?token=…, so the SMS.CX OTP Trigger accepts the callbacks. Paste the trigger's production URL into Callback URL.",
			},
			{
				displayName: 'Callback URL',
				name: 'otpCallbackUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://n8n.example.com/webhook/smscx-otp',
				description:
					"Where SMS.CX posts status changes of this OTP: the SMS.CX OTP Trigger's URL, or {{ $execution.resumeUrl }} for a Wait node",
			},
			{
				displayName: 'Country ISO',
				name: 'countryIso',
				type: 'string',
				default: '',
				placeholder: 'e.g. FR',
				description:
					'Two-letter country code (ISO 3166-1 alpha-2, GB not UK). Needed when the phone number is in national format; ignored for E.164 numbers.',
			},
			{
				displayName: 'Localized Templates',
				name: 'localizedTemplates',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Localized Template',
				description: "Texts SMS.CX picks by the phone number's country instead of Template",
				options: [
					{
						displayName: 'Template',
						name: 'template',
						values: [
							{
								displayName: 'Language',
								name: 'language',
								type: 'string',
								default: '',
								placeholder: 'e.g. fr',
								description: 'Two-letter language code (ISO 639-1); sent as template_fr for fr',
							},
							{
								displayName: 'Text',
								name: 'text',
								type: 'string',
								default: '',
								placeholder: 'e.g. Votre code est {{pin}}',
								description: 'The SMS text; must contain {{pin}}',
							},
						],
					},
				],
			},
			{
				displayName: 'Max Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10, numberPrecision: 0 },
				default: 4,
				description: 'How many wrong PINs are allowed before the OTP fails (1–10)',
			},
			{
				displayName: 'PIN Length',
				name: 'pinLength',
				type: 'number',
				typeOptions: { minValue: 4, maxValue: 10, numberPrecision: 0 },
				default: 4,
				description: 'Number of characters in the PIN (4–10)',
			},
			{
				displayName: 'PIN Type',
				name: 'pinType',
				type: 'options',
				options: [
					{ name: 'Alphanumeric', value: 'alphanumeric' },
					{ name: 'Letters', value: 'letters' },
					{ name: 'Numbers', value: 'numbers' },
				],
				default: 'numbers',
				description: 'Which characters the PIN is made of',
			},
			{
				displayName: 'Sender ID',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'e.g. InfoText',
				description:
					'Sender shown on the phone, 3–15 characters. Unapproved values are replaced by a system sender.',
			},
			{
				displayName: 'Template',
				name: 'template',
				type: 'string',
				default: 'Your verification code is {{pin}}',
				description: 'The SMS text; must contain {{pin}}, where SMS.CX puts the code',
			},
			{
				displayName: 'Track ID',
				name: 'trackId',
				type: 'string',
				default: '',
				placeholder: 'e.g. bf325375-e030-4ccb-a009-17317c574773',
				description:
					'Your own lower-case UUID for this OTP. It comes back in status answers and callbacks, and lets you find the OTP if an answer is lost.',
			},
			{
				displayName: 'TTL (Seconds)',
				name: 'ttl',
				type: 'number',
				typeOptions: { minValue: 60, maxValue: 1800, numberPrecision: 0 },
				default: 180,
				description: 'How long the PIN stays valid, in seconds (60–1800)',
			},
		],
	},
];

const INTEGER_FIELDS = ['maxAttempts', 'pinLength', 'ttl'];

/** Builds the New OTP body under its wire names; numbers typed as text ("180") become numbers. */
function buildBody(fn: IExecuteFunctions, itemIndex: number, credentials: ICredentialDataDecryptedObject): IDataObject {
	const fields = fn.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const { appendWebhookSecret, localizedTemplates, ...wireFields } = fields;
	const body: IDataObject = {
		phoneNumber: String(fn.getNodeParameter('phoneNumber', itemIndex, '') ?? '').trim(),
	};

	for (const [key, value] of Object.entries(wireFields)) {
		const numeric = INTEGER_FIELDS.includes(key) && typeof value === 'string' && /^\s*\d+\s*$/.test(value);
		body[key] = numeric ? Number(value) : value;
	}
	if (typeof body.countryIso === 'string') body.countryIso = body.countryIso.trim();

	const templates = ((localizedTemplates as IDataObject | undefined)?.template ?? []) as IDataObject[];
	for (const { language, text } of templates) {
		const code = String(language ?? '').trim().toLowerCase();
		if (!/^[a-z]{2}$/.test(code)) {
			throw new NodeOperationError(fn.getNode(), `Localized template language "${String(language)}" is not a two-letter code`, {
				itemIndex,
				description: 'Use an ISO 639-1 language code such as fr, de or es; it is sent as template_fr for fr.',
			});
		}
		body[`template_${code}`] = text;
	}

	if (appendWebhookSecret === true && body.otpCallbackUrl !== undefined && body.otpCallbackUrl !== '') {
		const secret = String(credentials.webhookSecret ?? '');
		if (secret === '') {
			throw new NodeOperationError(fn.getNode(), 'The SMS.CX API credential has no webhook secret to add to Callback URL', {
				itemIndex,
				description:
					'Set a Webhook Secret in the credential (the SMS.CX OTP Trigger needs it too), or turn off "Add Webhook Secret to Callback URL".',
			});
		}
		const url = String(body.otpCallbackUrl);
		body.otpCallbackUrl = `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(secret)}`;
	}
	return body;
}

/** New OTP: checks every SMS.CX rule first, then sends the (paid) request exactly once. */
export const send: PrepareItem = (fn, itemIndex, credentials) => {
	const body = buildBody(fn, itemIndex, credentials);
	const broken = findNewOtpViolation(body);
	if (broken) {
		const label = FIELD_LABELS[broken.field] ?? broken.field;
		const shown =
			broken.value === undefined || broken.field === 'otpCallbackUrl' ? '' : ` (got ${JSON.stringify(broken.value)})`;
		throw new NodeOperationError(
			fn.getNode(),
			`${label} (${broken.field}) ${broken.problem}${shown}: SMS.CX would refuse it with code ${broken.code}`,
			{ itemIndex, description: `${broken.fix} Nothing was sent to SMS.CX.` },
		);
	}
	return {
		call: { method: 'POST', path: '/otp', body, idempotent: false },
		finish: (outcome) => redactOtp(bodyOrThrow(fn, itemIndex, outcome)),
	};
};

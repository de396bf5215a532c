import type { INodeProperties } from 'n8n-workflow';

const showForSend = { show: { operation: ['new'] } };

/** Send's fields in the editor; send.ts reads them. */
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
				displayName: 'Callback URL',
				name: 'otpCallbackUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://n8n.example.com/webhook/smscx-otp',
				description:
					"Where SMS.CX posts status changes of this OTP: the SMS.CX OTP Trigger's URL, or {{ $execution.resumeUrl }} for a Wait node",
			},
			{
				displayName: 'Callback URL Token',
				// the parameter keeps its first name, so saved workflows still work
				name: 'appendWebhookSecret',
				type: 'boolean',
				default: true,
				description:
					"Whether to add the credential's Webhook Secret to Callback URL as ?token=…, which the SMS.CX OTP Trigger requires. Needs Callback URL; an existing token= is replaced.",
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
				displayName: 'Max SMS Parts',
				name: 'maxSmsParts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20, numberPrecision: 0 },
				default: 3,
				description:
					'Refuse to send when Template or a localized template would be billed as more SMS parts than this (counted with the longest PIN; 160 GSM-7 or 70 Unicode characters fit one part). Not sent to SMS.CX. Default 3 even when not added.',
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

import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * One credential for every SMS.CX node: it authenticates requests itself (API key or access token),
 * and carries the optional webhook secret the trigger checks on incoming callbacks.
 */
export class SmscxApi implements ICredentialType {
	name = 'smscxApi';

	displayName = 'SMS.CX API';

	icon: Icon = { light: 'file:../icons/smscx.svg', dark: 'file:../icons/smscx.dark.svg' };

	documentationUrl = 'https://github.com/smscx/n8n-nodes-smscx#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'Access Token',
					value: 'accessToken',
					description: 'A bearer token for an SMS.CX application (sent as Authorization: Bearer)',
				},
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'The API key from the SMS.CX dashboard (sent as X-API-KEY)',
				},
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'SMS.CX dashboard → HTTP API → API keys',
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'SMS.CX dashboard → HTTP API → Applications: the access token of an application',
			displayOptions: { show: { authType: ['accessToken'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.sms.cx',
			description:
				'Leave as is for SMS.CX. Change it only to point at a test double such as the bundled SMS.CX stand-in.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. A long random string of your choice. The SMS.CX OTP Trigger only accepts callbacks whose URL carries it as ?token=…',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		if (credentials.authType === 'accessToken') {
			headers.Authorization = `Bearer ${credentials.accessToken as string}`;
		} else {
			headers['X-API-KEY'] = credentials.apiKey as string;
		}
		return { ...requestOptions, headers };
	}

	// GET /account/balance is free and readable by any valid key or token, whatever its scopes.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{String($credentials.baseUrl || "https://api.sms.cx").replace(/\\/+$/, "")}}',
			url: '/account/balance',
			method: 'GET',
		},
	};
}

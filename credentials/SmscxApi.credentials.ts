import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * One credential for every SMS.CX node: it authenticates requests itself (API key, access token, or an
 * OAuth2 client-credentials token it fetches), and carries the optional webhook secret the trigger checks.
 *
 * OAuth2 uses n8n's mechanism for expirable credential data: the hidden `oauthAccessToken` is
 * `expirable`, so n8n calls preAuthentication() when it is empty (and after a 401) and saves what it
 * returns with the credential. One token serves every request until it is about to expire.
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
				{
					name: 'OAuth2 Client Credentials',
					value: 'oAuth2ClientCredentials',
					description:
						'An SMS.CX application ID and secret; n8n fetches short-lived access tokens and renews them',
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
			displayName: 'Application ID',
			name: 'applicationId',
			type: 'string',
			default: '',
			required: true,
			description: 'SMS.CX dashboard → HTTP API → Applications: the ID of an application',
			displayOptions: { show: { authType: ['oAuth2ClientCredentials'] } },
		},
		{
			displayName: 'Application Secret',
			name: 'applicationSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret of that application',
			displayOptions: { show: { authType: ['oAuth2ClientCredentials'] } },
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			placeholder: 'e.g. otp',
			description:
				"Space-separated scopes to ask for. Empty means all the application's scopes. The OTP nodes need otp.",
			displayOptions: { show: { authType: ['oAuth2ClientCredentials'] } },
		},
		{
			displayName: 'OAuth Access Token',
			name: 'oauthAccessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'OAuth Expires At',
			name: 'oauthExpiresAt',
			type: 'hidden',
			default: 0,
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
		} else if (credentials.authType === 'oAuth2ClientCredentials') {
			headers.Authorization = `Bearer ${credentials.oauthAccessToken as string}`;
		} else {
			headers['X-API-KEY'] = credentials.apiKey as string;
		}
		return { ...requestOptions, headers };
	}

	/** Fetches an access token (client-credentials grant); n8n saves the result with the credential. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		if (credentials.authType !== 'oAuth2ClientCredentials') return {};
		const baseUrl = String(credentials.baseUrl || 'https://api.sms.cx').replace(/\/+$/, '');
		const client = `${String(credentials.applicationId)}:${String(credentials.applicationSecret)}`;
		const scope = String(credentials.scope ?? '').trim();
		const form = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${baseUrl}/oauth/token`,
			headers: {
				Authorization: `Basic ${Buffer.from(client).toString('base64')}`,
				'Content-Type': 'application/x-www-form-urlencoded',
				Accept: 'application/json',
			},
			body: form.toString(),
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30000,
		})) as { statusCode: number; body: IDataObject };
		const answer = (typeof response.body === 'object' && response.body) || {};
		if (response.statusCode !== 200 || typeof answer.access_token !== 'string') {
			throw new Error(describeTokenRefusal(response.statusCode, answer));
		}
		const granted = String(answer.scope ?? '').split(' ');
		if (answer.scope && !granted.includes('otp')) {
			throw new Error(
				`SMS.CX issued a token without the otp scope (granted: ${String(answer.scope)}). Give the application the otp scope, or add otp to Scope.`,
			);
		}
		return {
			oauthAccessToken: answer.access_token,
			oauthExpiresAt: Date.now() + Number(answer.expires_in ?? 0) * 1000,
		};
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

const TOKEN_REFUSALS: Record<string, string> = {
	invalid_client: 'SMS.CX refused the application ID or secret (invalid_client). Check both in the credential.',
	invalid_scope:
		'SMS.CX refused the requested scope (invalid_scope). Leave Scope empty or ask only for scopes the application has, e.g. otp.',
	invalid_request: 'SMS.CX refused the token request as malformed (invalid_request).',
	unsupported_grant_type: 'SMS.CX does not accept the client-credentials grant for this application.',
};

/** A sentence naming why SMS.CX would not issue a token; never includes the secret. */
function describeTokenRefusal(statusCode: number, answer: IDataObject): string {
	const error = (answer.error ?? {}) as IDataObject;
	const type = String(error.type ?? '');
	return TOKEN_REFUSALS[type] ?? `SMS.CX did not issue an access token (HTTP ${statusCode}${type ? `, ${type}` : ''}).`;
}

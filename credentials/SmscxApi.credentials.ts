import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { checkLeave } from '../nodes/shared/call';
import { requestToken, takeTokenTimeout, tokenBinding } from '../nodes/shared/oauth';

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
			// a hash of application ID + scope + Base URL the stored token was issued for
			displayName: 'OAuth Token Binding',
			name: 'oauthTokenBinding',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
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
		checkLeave(credentials); // a call whose run ended while its token was fetched never leaves
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

	/**
	 * Fetches an access token (client-credentials grant) when n8n asks: its credential Test, or a call whose
	 * stored token is empty. The dispatcher (nodes/shared/dispatcher.ts) empties it for one call when it needs a
	 * new token, so n8n runs this and saves the result with the credential, where every process finds it. A
	 * saved token is used only when `oauthTokenBinding` says it was issued for the current application ID,
	 * scope and Base URL.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const timeoutMs = takeTokenTimeout(credentials);
		if (credentials.authType !== 'oAuth2ClientCredentials') return {};
		const token = await requestToken(async (options) => await this.helpers.httpRequest(options), credentials, timeoutMs);
		return {
			oauthAccessToken: token.accessToken,
			oauthExpiresAt: token.expiresAt,
			oauthTokenBinding: tokenBinding(credentials),
		};
	}

	// GET /account/balance is free and readable by any valid key or token, whatever its scopes. The rules turn
	// the statuses n8n would show as a bare "Unauthorized" into the cause and the fix.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{String($credentials.baseUrl || "https://api.sms.cx").replace(/\\/+$/, "")}}',
			url: '/account/balance',
			method: 'GET',
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'SMS.CX refused the API key or access token (HTTP 401). Check that Authentication matches what you pasted (API Key: the key from HTTP API → API keys; Access Token: an application\'s access token), copy it again without spaces, and check it was not revoked in the SMS.CX dashboard.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'SMS.CX accepted the credential but refused access (HTTP 403): the token lacks a scope. Give the application the otp scope in the SMS.CX dashboard, or use an API key.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'The Base URL does not look like the SMS.CX API (HTTP 404 on /account/balance). Use https://api.sms.cx.',
				},
			},
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message: `The Base URL answered with a redirect (HTTP ${value}), which is not followed: the SMS.CX API does not redirect, so the Base URL is not SMS.CX. Use https://api.sms.cx.`,
				},
			})),
			{
				type: 'responseCode',
				properties: {
					value: 429,
					message: 'SMS.CX rate limit reached (HTTP 429): the credential is valid as far as SMS.CX answered. Try again in a moment.',
				},
			},
		],
	};
}

import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

/**
 * The OAuth2 client-credentials token request, made by the credential's preAuthentication (n8n runs it for the
 * credential's Test, and for the dispatcher's one call that fetches a token, and saves the result with the
 * credential). Never puts the application secret or a token into a message.
 */

export const DEFAULT_BASE_URL = 'https://api.sms.cx';

export function baseUrlOf(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/**
 * What a stored token is bound to: application ID + scope + Base URL, hashed. A token stored for other
 * values (the credential was edited) is never used.
 */
export function tokenBinding(credentials: ICredentialDataDecryptedObject): string {
	const scope = String(credentials.scope ?? '').trim();
	const text = [String(credentials.applicationId ?? ''), scope, baseUrlOf(credentials)].join('\n');
	return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * n8n hands preAuthentication only the credential data, not the node's options. The dispatcher puts the node's
 * Timeout (ms) under this key in the data of the one call that fetches a token; preAuthentication reads it and
 * removes it (n8n 1.x saves the whole object). Without it (the credential's Test) the bound is 30 s.
 */
export const TOKEN_TIMEOUT_FIELD = 'oauthTokenTimeoutMs';
export const DEFAULT_TOKEN_TIMEOUT_MS = 30000;

/** The Timeout the dispatcher passed along, removed from the data; the default when absent or unusable. */
export function takeTokenTimeout(credentials: ICredentialDataDecryptedObject): number {
	const value = Number(credentials[TOKEN_TIMEOUT_FIELD]);
	delete credentials[TOKEN_TIMEOUT_FIELD];
	return Number.isInteger(value) && value > 0 ? value : DEFAULT_TOKEN_TIMEOUT_MS;
}

export interface Token {
	accessToken: string;
	/** Epoch ms when SMS.CX expires it; 0 = does not expire (expires_in missing or <= 0: renewed on a 401) */
	expiresAt: number;
}

/** Why no token was issued, in plain data (no secret). `networkCode` when no answer arrived. */
export class TokenProblem extends Error {
	constructor(
		message: string,
		readonly httpStatus?: number,
		readonly type?: string,
		readonly networkCode?: string,
	) {
		super(message);
		this.name = 'TokenProblem';
	}
}

const REFUSALS: Record<string, string> = {
	invalid_client: 'SMS.CX refused the application ID or secret (invalid_client). Check both in the credential.',
	invalid_scope:
		'SMS.CX refused the requested scope (invalid_scope). Leave Scope empty or ask only for scopes the application has, e.g. otp.',
	invalid_request: 'SMS.CX refused the token request as malformed (invalid_request).',
	unsupported_grant_type: 'SMS.CX does not accept the client-credentials grant for this application.',
};

type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/** POST /oauth/token (client credentials), bounded by timeoutMs, redirects not followed. */
export async function requestToken(
	httpRequest: HttpRequest,
	credentials: ICredentialDataDecryptedObject,
	timeoutMs: number,
): Promise<Token> {
	const baseUrl = baseUrlOf(credentials);
	const client = `${String(credentials.applicationId)}:${String(credentials.applicationSecret)}`;
	const scope = String(credentials.scope ?? '').trim();
	const form = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
	let response: { statusCode: number; body: unknown; headers?: IDataObject } | undefined;
	let networkCode = 'unknown';
	try {
		response = (await httpRequest({
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
			disableFollowRedirect: true,
			timeout: timeoutMs,
		})) as typeof response;
	} catch (error) {
		// Read only the network code: the error carries the request, with the Basic credential.
		const cause = (error as { cause?: unknown }).cause ?? error;
		networkCode = String((cause as { code?: string }).code ?? networkCode);
	}
	if (!response) {
		throw new TokenProblem(`could not get an OAuth2 access token from ${baseUrl}`, undefined, undefined, networkCode);
	}
	const answer = (typeof response.body === 'object' && response.body) || {};
	const { statusCode } = response;
	if (statusCode >= 300 && statusCode < 400) {
		throw new TokenProblem(
			`the token request was answered with a redirect (HTTP ${statusCode}) to ${locationHost(response.headers, baseUrl)}, not followed: the SMS.CX API does not redirect. Check the Base URL.`,
			statusCode,
		);
	}
	const body = answer as IDataObject;
	if (statusCode !== 200 || typeof body.access_token !== 'string') {
		const type = String(((body.error ?? {}) as IDataObject).type ?? '');
		throw new TokenProblem(
			REFUSALS[type] ?? `SMS.CX did not issue an access token (HTTP ${statusCode}${type ? `, ${type}` : ''}).`,
			statusCode,
			type || undefined,
		);
	}
	const granted = String(body.scope ?? '').split(' ');
	if (body.scope && !granted.includes('otp')) {
		throw new TokenProblem(
			`SMS.CX issued a token without the otp scope (granted: ${String(body.scope).slice(0, 100)}). Give the application the otp scope, or add otp to Scope.`,
			statusCode,
			'insufficient_scope',
		);
	}
	const expiresIn = Number(body.expires_in);
	return {
		accessToken: body.access_token,
		expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? Date.now() + expiresIn * 1000 : 0,
	};
}

/** The host a redirect points at (never its path or query, which may carry anything), or "an unnamed host". */
export function locationHost(headers: IDataObject | undefined, baseUrl: string): string {
	const location = headers?.location;
	if (typeof location !== 'string' || location === '') return 'an unnamed host';
	try {
		return new URL(location, baseUrl).host.slice(0, 100) || 'an unnamed host';
	} catch {
		return 'an unreadable location';
	}
}

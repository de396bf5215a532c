import { createHash } from 'crypto';
import { sleep } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { causeNamed } from './errors';
import { urlText } from './redact';

/**
 * OAuth2 client credentials. Read top to bottom:
 * - the token request, made by the credential's preAuthentication (n8n runs it for the credential's Test, and
 *   for the dispatcher's one call that fetches a token, and saves the result with the credential);
 * - the TokenHolder, one per dispatcher: it adopts the token n8n saved with the credential when that was issued
 *   for these settings; otherwise one call (single flight) goes with the stored token emptied, so n8n runs
 *   preAuthentication and SAVES the result, where other processes (queue-mode workers, CLI runs) and later
 *   executions find it. The other calls wait for it. A 401 renews only the token that was refused;
 * Never puts the application secret or a token into a message.
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
		throw new TokenProblem(`could not get an OAuth2 access token from ${urlText(baseUrl)}`, undefined, undefined, networkCode);
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

// ------------------------------------------------------------------------------------------------ the holder

/** Renew a token this long before it expires (or at half its lifetime, when that is shorter). */
const TOKEN_RENEWAL_MARGIN_MS = 30000;
/** Waiting calls look at their run this often, so a cancelled run stops waiting within a second. */
const WAIT_TICK_MS = 1000;

interface Flight {
	landed: Promise<void>;
	land: () => void;
	/** Why no token came (the waiters fail with it: nothing was sent) */
	problem?: TokenProblem;
}

export class TokenHolder {
	private token: { value: string; renewAt: number } | undefined;

	/** Set while one call fetches a token through n8n; the other calls wait until it ends. */
	private flight: Flight | undefined;

	private refusedToken: string | undefined;

	/**
	 * The token to send: the one held, the one n8n saved with the credential if it was issued for these very
	 * settings, or '' when this call is the one that fetches a new token (then call landed()), or why the token
	 * request it waited for failed. Throws what `ended` returns once the call's run ended.
	 */
	async bearer(credentials: ICredentialDataDecryptedObject, ended: () => Error | undefined): Promise<string | TokenProblem> {
		for (;;) {
			const now = Date.now();
			if (!this.token || now >= this.token.renewAt) this.adoptStored(credentials, now);
			if (this.token && now < this.token.renewAt) return this.token.value;
			const flight = this.flight;
			if (!flight) {
				let land = () => {};
				const landed = new Promise<void>((resolve) => (land = resolve));
				this.flight = { landed, land };
				return '';
			}
			while (this.flight === flight) {
				const error = ended();
				if (error) throw error;
				await Promise.race([flight.landed, sleep(WAIT_TICK_MS)]);
			}
			if (flight.problem) return flight.problem;
		}
	}

	/** The fetching call is done: hold the token n8n put into its credential data (if any); waiters go on. */
	landed(data: ICredentialDataDecryptedObject, problem: TokenProblem | undefined): void {
		const flight = this.flight as Flight;
		const value = String(data.oauthAccessToken ?? '');
		if (value) this.token = { value, renewAt: renewalOf(Number(data.oauthExpiresAt) || 0, Date.now()) };
		flight.problem = problem;
		this.flight = undefined;
		flight.land();
	}

	/** SMS.CX answered 401 to this token: forget it, unless another call already replaced it. */
	refused(value: string): void {
		this.refusedToken = value;
		if (this.token?.value === value) this.token = undefined;
	}

	/** A saved token not about to expire, issued for the current application ID, scope and Base URL. */
	private adoptStored(credentials: ICredentialDataDecryptedObject, now: number): void {
		const stored = String(credentials.oauthAccessToken ?? '');
		if (!stored || stored === this.refusedToken || credentials.oauthTokenBinding !== tokenBinding(credentials)) return;
		const expiresAt = Number(credentials.oauthExpiresAt) || 0;
		if (expiresAt !== 0 && expiresAt - now < TOKEN_RENEWAL_MARGIN_MS) return;
		if (this.token?.value === stored) return; // the one held, already due
		this.token = { value: stored, renewAt: renewalOf(expiresAt, now) };
	}
}

/** When to renew a token expiring at expiresAt (0: never): the margin before, or half a shorter lifetime. */
function renewalOf(expiresAt: number, now: number): number {
	if (expiresAt === 0) return Infinity;
	const lifetime = expiresAt - now;
	return expiresAt - (lifetime > TOKEN_RENEWAL_MARGIN_MS ? TOKEN_RENEWAL_MARGIN_MS : lifetime / 2);
}

/** The credential's TokenProblem inside n8n's wrapping errors, copied (no request data). */
export function tokenProblemIn(error: unknown): TokenProblem {
	const found = causeNamed(error, 'TokenProblem') as TokenProblem | undefined;
	return found
		? new TokenProblem(String(found.message), found.httpStatus, found.type, found.networkCode)
		: new TokenProblem('could not get an OAuth2 access token.');
}

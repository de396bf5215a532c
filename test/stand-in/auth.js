'use strict';
// Who is calling: API keys, bearer tokens (static or issued by /oauth/token, expiring on the
// virtual clock) and the OAuth2 client-credentials endpoint itself.

const { randomBytes } = require('node:crypto');
const { oauthError } = require('./errors');

const ALL_SCOPES = ['sms', 'otp', 'groups', 'templates', 'numbers', 'shortlinks', 'attachments'];
// A client whose tokens "never" expire still has to answer some expires_in: ten years.
const NEVER_SECONDS = 10 * 365 * 24 * 3600;

// X-API-KEY wins when both headers are sent.
function authKind(headers) {
	if (headers['x-api-key'] !== undefined) return 'apiKey';
	const scheme = String(headers.authorization || '').split(' ')[0].toLowerCase();
	if (scheme === 'bearer') return 'bearer';
	if (scheme === 'basic') return 'basic';
	return 'none';
}

const credentialOf = (headers) => String(headers.authorization || '').replace(/^\S+\s*/, '');

function basicClient(headers, clients) {
	if (authKind(headers) !== 'basic') return undefined;
	const decoded = Buffer.from(credentialOf(headers), 'base64').toString('utf8');
	const sep = decoded.indexOf(':');
	if (sep < 0) return undefined;
	const id = decoded.slice(0, sep);
	const secret = decoded.slice(sep + 1);
	return clients.find((c) => c.applicationId === id && c.applicationSecret === secret);
}

function createAuth(getOptions, now) {
	const issued = new Map(); // token -> { scopes, expiresAtMs }

	// The rate limit is per credential (valid or not); anonymous calls share one per address.
	function rateKey(headers, remoteAddress) {
		const kind = authKind(headers);
		if (kind === 'apiKey') return `key:${headers['x-api-key']}`;
		if (kind === 'none') return `ip:${remoteAddress}`;
		return `${kind}:${credentialOf(headers)}`;
	}

	// -> { scopes: null (all) | [...] } or { code, message? }
	function authenticate(headers) {
		const { apiKeys, accessTokens } = getOptions();
		const kind = authKind(headers);
		if (kind === 'apiKey') return apiKeys.includes(headers['x-api-key']) ? { scopes: null } : { code: 1000 };
		if (kind !== 'bearer') return { code: 1000 };
		const token = credentialOf(headers);
		if (accessTokens.includes(token)) return { scopes: null };
		const rec = issued.get(token);
		if (!rec) return { code: 1000 };
		if (now() >= rec.expiresAtMs) return { code: 1000, message: 'The access token has expired' };
		return { scopes: rec.scopes };
	}

	const hasScope = (auth, scope) => auth.scopes === null || auth.scopes.includes(scope);

	// POST /oauth/token with a parsed form (URLSearchParams).
	function issueToken(headers, form) {
		const grant = form.get('grant_type');
		if (!grant) return oauthError(400, 'invalid_request', 'grant_type is required');
		if (grant !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'Only client_credentials is supported');
		const client = basicClient(headers, getOptions().oauthClients);
		if (!client) {
			return oauthError(401, 'invalid_client', 'Client authentication failed', { 'WWW-Authenticate': 'Basic realm="sms.cx"' });
		}
		const allowed = client.scopes || ALL_SCOPES;
		const requested = [...new Set((form.get('scope') || '').split(' ').filter(Boolean))];
		if (requested.some((s) => !allowed.includes(s))) return oauthError(400, 'invalid_scope', 'A requested scope is invalid or not allowed');
		const scopes = requested.length ? requested : allowed;
		const lifetime = client.tokenLifetimeSeconds === undefined ? 86400 : client.tokenLifetimeSeconds;
		const token = `sxat_${randomBytes(24).toString('base64url')}`;
		issued.set(token, { scopes, expiresAtMs: lifetime === null ? Infinity : now() + lifetime * 1000 });
		// answerExpiresIn: what the answer says instead (a number, or 'omit'), to test clients on odd answers
		const expiresIn = client.answerExpiresIn ?? (lifetime === null ? NEVER_SECONDS : lifetime);
		return {
			status: 200,
			headers: { 'Cache-Control': 'no-store' },
			body: {
				access_token: token,
				...(expiresIn === 'omit' ? {} : { expires_in: expiresIn }),
				token_type: 'Bearer',
				scope: scopes.join(' '),
			},
		};
	}

	return { authKind, rateKey, authenticate, hasScope, issueToken, reset: () => issued.clear() };
}

module.exports = { createAuth };

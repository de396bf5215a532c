'use strict';
// Every error answer is {"error":{type,code,message,uri}}. Codes 2001-2031 come from the
// contract; the 1xxx codes and 2100 are the stand-in's own choice (the contract gives none).

const DOC_URI = 'https://sms.cx/sms-api-documentation/#section/Errors';

const CATALOGUE = {
	1000: [401, 'invalid_api_key', 'Invalid or missing API key or access token'],
	1001: [400, 'invalid_body', 'The request body is not a JSON object'],
	1003: [403, 'insufficient_scope', 'The access token does not have the scope needed for this endpoint'],
	1004: [404, 'not_found', 'Unknown endpoint'],
	1005: [405, 'invalid_method', 'Method not allowed on this endpoint'],
	1029: [429, 'rate_limit', 'Too many requests'],
	1500: [500, 'server_error', 'Internal server error'],
	2001: [400, 'invalid_param', 'phoneNumber is required'],
	2002: [400, 'invalid_param', 'countryIso is empty or missing (required for a national number)'],
	2003: [400, 'invalid_param', 'countryIso is not a valid ISO-3166 alpha-2 code'],
	2004: [400, 'invalid_param', 'from is empty'],
	2005: [400, 'invalid_param', 'from must be 3 to 15 characters'],
	2006: [400, 'invalid_param', 'template must contain {{pin}}'],
	2007: [400, 'invalid_param', 'ttl must be an integer'],
	2008: [400, 'invalid_param', 'ttl must be at least 60'],
	2009: [400, 'invalid_param', 'ttl must be at most 1800'],
	2010: [400, 'invalid_param', 'maxAttempts must be an integer'],
	2011: [400, 'invalid_param', 'maxAttempts must be at least 1'],
	2012: [400, 'invalid_param', 'maxAttempts must be at most 10'],
	2013: [400, 'invalid_param', 'pinType is empty'],
	2014: [400, 'invalid_param', 'pinType must be letters, numbers or alphanumeric'],
	2015: [400, 'invalid_param', 'pinLength must be an integer'],
	2016: [400, 'invalid_param', 'pinLength must be at least 4'],
	2017: [400, 'invalid_param', 'pinLength must be at most 10'],
	2018: [400, 'invalid_param', 'trackId must be a lower-case UUID'],
	2019: [400, 'invalid_param', 'otpCallbackUrl must be an absolute http(s) URL'],
	2020: [400, 'invalid_param', 'phoneNumber is not a valid phone number'],
	2021: [404, 'not_found', 'OTP not found'],
	2022: [400, 'invalid_param', 'pin is required'],
	2023: [400, 'otp_verified', 'OTP already verified'],
	2024: [400, 'otp_cancelled', 'OTP was cancelled'],
	2025: [400, 'otp_expired', 'OTP expired'],
	2026: [400, 'otp_failed', 'Maximum number of verification attempts reached'],
	2027: [400, 'otp_failed', 'Maximum number of verification attempts reached'],
	2028: [400, 'otp_expired', 'PIN expired'],
	2029: [400, 'invalid_pin', 'The PIN provided does not verify'],
	2030: [403, 'access_denied', 'OTP already cancelled'],
	2031: [403, 'access_denied', 'OTP is not pending and cannot be cancelled'],
	2100: [400, 'insufficient_credit', 'Insufficient credit'],
};

function errorBody(type, code, message) {
	return { error: { type, code, message, uri: DOC_URI } };
}

// A "result" is what a handler returns and server.js writes: { status, body, headers? }.
function apiError(code, { status, message, headers } = {}) {
	const [defaultStatus, type, text] = CATALOGUE[code];
	return { status: status || defaultStatus, body: errorBody(type, code, message || text), headers };
}

// OAuth errors all share code 1600 and differ by type and status.
function oauthError(status, type, message, headers) {
	return { status, body: errorBody(type, 1600, message), headers };
}

module.exports = { apiError, oauthError };

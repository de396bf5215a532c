'use strict';
// Injected faults: the first one matching the request with `times` left applies, once `after` matching
// requests (default 0) have gone through untouched.
// They never touch /__control/ (server.js routes that before asking).

const { STATUS_CODES } = require('node:http');
const { matches } = require('./match');
const { apiError } = require('./errors');
const { rateHeaders } = require('./rate-limit');

const KINDS = ['status', 'html', 'rateLimit', 'redirect', 'hang', 'closeBeforeProcessing', 'malformedJson', 'closeAfterProcessing'];
// Only these let the request be processed (side effects happen) before the fault shows.
const PROCESSED = new Set(['malformedJson', 'closeAfterProcessing']);

function createFaults() {
	let list = [];
	return {
		add(fault) {
			if (!fault || !KINDS.includes(fault.kind)) {
				throw new TypeError(`injectFault: kind must be one of ${KINDS.join(', ')}`);
			}
			const times = fault.times === undefined ? 1 : fault.times;
			if (!(times > 0)) throw new TypeError('injectFault: times must be > 0 (or Infinity)');
			const after = fault.after === undefined ? 0 : fault.after;
			if (!(after >= 0)) throw new TypeError('injectFault: after must be >= 0');
			list.push({ ...fault, times, after });
		},
		take(method, path) {
			for (const fault of list) {
				if (!(fault.times > 0) || !matches(fault, method, path)) continue;
				if (fault.after > 0) {
					fault.after -= 1; // this request goes through untouched
					continue;
				}
				fault.times -= 1;
				return fault;
			}
			return null;
		},
		reset() {
			list = [];
		},
	};
}

// Looks like what a proxy in front of the API would answer.
function html(status) {
	const title = `${status} ${STATUS_CODES[status] || 'Error'}`;
	return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

// The answer for the kinds that answer without processing. rate: the limiter's current state.
function faultAnswer(fault, rate) {
	const headers = rateHeaders(rate);
	if (fault.kind === 'status') return { ...apiError(1500, { status: fault.status || 500 }), headers };
	if (fault.kind === 'html') {
		const status = fault.status || 502;
		return { status, html: html(status), headers };
	}
	// redirect: what a misconfigured proxy or a moved host would answer; the API itself never redirects.
	if (fault.kind === 'redirect') {
		return { status: fault.status || 302, body: { moved: true }, headers: { ...headers, Location: fault.location } };
	}
	// rateLimit: at least resetInSeconds from now (negative: already past), rounded up to a whole second;
	// resetHeader: false leaves X-Rate-Limit-Reset out.
	const reset = Math.ceil(Date.now() / 1000 + (fault.resetInSeconds === undefined ? 1 : fault.resetInSeconds));
	const limited = rateHeaders({ limit: rate.limit, remaining: 0, reset, limited: true });
	if (fault.resetHeader === false) delete limited['X-Rate-Limit-Reset'];
	return apiError(1029, { headers: limited });
}

module.exports = { createFaults, faultAnswer, PROCESSED };

'use strict';
// Socket-level helpers shared by the API server and the control surface.

const { randomUUID } = require('node:crypto');

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

// Writes a result { status, body | html, headers }. truncate: cut the JSON in half (malformedJson).
function send(res, result, { startedAt, truncate = false } = {}) {
	const isHtml = result.html !== undefined;
	let text = isHtml ? result.html : JSON.stringify(result.body);
	if (truncate) text = text.slice(0, Math.ceil(text.length / 2));
	const headers = { 'X-Request-Id': randomUUID(), ...result.headers };
	if (startedAt !== undefined) headers['X-Response-Time'] = `${Math.round(performance.now() - startedAt)}ms`;
	headers['Content-Type'] = isHtml ? 'text/html; charset=utf-8' : 'application/json';
	headers['Content-Length'] = Buffer.byteLength(text);
	res.writeHead(result.status, headers);
	res.end(text);
}

// What the request log keeps of a body: JSON parsed, forms parsed (secrets masked), else the text.
function bodyForLog(raw, contentType = '') {
	if (raw === '') return null;
	if (contentType.includes('application/x-www-form-urlencoded')) {
		const form = Object.fromEntries(new URLSearchParams(raw));
		for (const key of Object.keys(form)) if (/secret|password|token/i.test(key)) form[key] = '***';
		return form;
	}
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

module.exports = { readBody, send, bodyForLog };

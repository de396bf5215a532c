'use strict';
// The OTP state machine. PENDING -> VERIFIED | CANCELLED | FAILED | EXPIRED, nothing else.
// Expiry is noticed lazily (status, verify, cancel) or swept by expireDue() (advanceClock).
// Results are { otp } / { ok } or { code } (an errors.js code); HTTP lives elsewhere.

const { randomUUID } = require('node:crypto');
const { formatDate } = require('./clock');
const { UUID } = require('./rules');

const PUBLIC_FIELDS = ['otpId', 'trackId', 'phoneNumber', 'countryIso', 'status', 'cost', 'parts',
	'maxAttempts', 'attempts', 'ttl', 'otpCallbackUrl'];
const STATUS_ERRORS = { VERIFIED: 2023, CANCELLED: 2024, EXPIRED: 2025, FAILED: 2026 };

// onChange(record, { created }) is called on creation and on every status change.
function createOtpStore({ now, onChange }) {
	const otps = new Map();

	// The OTP object exactly as the API shows it: never the PIN.
	function view(r) {
		const out = {};
		for (const key of PUBLIC_FIELDS) out[key] = r[key];
		out.dateCreated = formatDate(r.createdMs);
		out.dateExpires = formatDate(r.expiresMs);
		return out;
	}

	function setStatus(r, status) {
		r.status = status;
		onChange(r, { created: false });
	}

	function expireIfDue(r) {
		if (r.status !== 'PENDING' || now() < r.expiresMs) return false;
		setStatus(r, 'EXPIRED');
		return true;
	}

	// Malformed ids are simply unknown (404 2021), like unknown ones.
	const find = (id) => (UUID.test(id) ? otps.get(id) : undefined);
	const copy = (r) => ({ ...view(r), ...structuredClone(r) });

	return {
		view,
		create(fields) {
			const createdMs = now();
			const r = { otpId: randomUUID(), ...fields, status: 'PENDING', attempts: 0, createdMs, expiresMs: createdMs + fields.ttl * 1000 };
			otps.set(r.otpId, r);
			onChange(r, { created: true });
			return r;
		},
		status(id) {
			const r = find(id);
			if (!r) return { code: 2021 };
			expireIfDue(r);
			return { otp: view(r) };
		},
		verify(id, pin) {
			const r = find(id);
			if (!r) return { code: 2021 };
			const pinGiven = (typeof pin === 'string' && pin !== '') || typeof pin === 'number';
			if (!pinGiven) return { code: 2022 };
			if (STATUS_ERRORS[r.status]) return { code: STATUS_ERRORS[r.status] };
			if (expireIfDue(r)) return { code: 2028 };
			if (String(pin) === r.pin) {
				setStatus(r, 'VERIFIED');
				return { ok: true };
			}
			r.attempts += 1;
			if (r.attempts < r.maxAttempts) return { code: 2029 };
			setStatus(r, 'FAILED');
			return { code: 2027 };
		},
		cancel(id) {
			const r = find(id);
			if (!r) return { code: 2021 };
			expireIfDue(r);
			if (r.status === 'CANCELLED') return { code: 2030 };
			if (r.status !== 'PENDING') return { code: 2031 };
			setStatus(r, 'CANCELLED');
			return { ok: true };
		},
		expireDue() {
			for (const r of otps.values()) expireIfDue(r);
		},
		// Internal record (incl. pin, text, from), as a copy; no side effects.
		record: (id) => (otps.has(id) ? copy(otps.get(id)) : undefined),
		list: () => [...otps.values()].map(copy),
		reset: () => otps.clear(),
	};
}

module.exports = { createOtpStore };

'use strict';
// Virtual clock = real time + an offset. TTLs keep running in real time (so a demo with a
// real n8n behaves), while tests jump ahead with advance() instead of waiting.

function createClock() {
	let offsetMs = 0;
	return {
		now: () => Date.now() + offsetMs,
		advance(seconds) {
			if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
				throw new TypeError('advanceClock: seconds must be a finite number >= 0');
			}
			offsetMs += seconds * 1000;
		},
		reset() {
			offsetMs = 0;
		},
	};
}

// SMS.CX dates are UTC 'YYYY-MM-DD HH:MM:SS', not ISO-8601.
function formatDate(ms) {
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

module.exports = { createClock, formatDate };

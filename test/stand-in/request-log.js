'use strict';
// Every API request (never /__control/), logged on arrival so hung and dropped requests show too.
// status stays null when no answer was written (hang, closeBeforeProcessing, closeAfterProcessing).

const { matches } = require('./match');

function createRequestLog() {
	let entries = [];
	let seq = 0;
	return {
		add(fields) {
			const entry = { seq: ++seq, ...fields };
			entries.push(entry);
			return entry; // the server fills in body, status and fault later
		},
		list: (filter = {}) => entries.filter((e) => matches(filter, e.method, e.path)).map((e) => structuredClone(e)),
		reset() {
			entries = [];
			seq = 0;
		},
	};
}

module.exports = { createRequestLog };

// What must hold after every generated run, whatever the input (issue 10).
const { SECRETS } = require('../helpers');

/** One output item per input item, each paired to its own input (success and error output together). */
function expectOneItemPerInput(result, count) {
	const all = [...result.success, ...result.errors];
	expect(all).toHaveLength(count);
	expect(all.map((item) => item.pairedItem.item).sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
}

/**
 * Every error names a field the run could have got wrong (label and parameter name, "Label (name)"), or comes from
 * SMS.CX for something only SMS.CX can know (an unknown OTP ID); it is short and has no raw control characters.
 */
function expectClearErrors(result, fieldNames, fromSmscx = []) {
	for (const item of result.errors) {
		const message = item.json.error;
		expect(typeof message).toBe('string');
		expect(message.length).toBeLessThan(400);
		expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
		const named = fieldNames.some((name) => message.includes(`(${name})`));
		const known = fromSmscx.some((pattern) => pattern.test(message));
		if (!named && !known) throw new Error(`the error names no field: ${message}`);
	}
}

function expectNoSecretAnywhere(result, sx) {
	const everything = result.serialized + JSON.stringify(sx.requests().map((r) => r.path));
	for (const secret of Object.values(SECRETS)) {
		if (everything.includes(secret) || everything.includes(encodeURIComponent(secret))) {
			throw new Error('a secret reached the run data');
		}
	}
}

module.exports = { expectOneItemPerInput, expectClearErrors, expectNoSecretAnywhere };

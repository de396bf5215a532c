// Hostile parameter values, as expressions over other nodes' data can produce them (issue 10), mixed with valid
// ones so that every property also exercises the paths that do send. Seeded and bounded for `npm test`:
//   PROPERTY_RUNS (default 100 per property) and PROPERTY_SEED (default 20261130, or "random").
// Longer mode: PROPERTY_RUNS=2000 PROPERTY_SEED=random npx jest test/property
const fc = require('fast-check');

const RUNS = Number(process.env.PROPERTY_RUNS) || 100;
const SEED = process.env.PROPERTY_SEED === 'random' ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.PROPERTY_SEED) || 20261130;
/** Options for fc.assert; the seed is printed with any counterexample, so a failure can be replayed. */
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };

const MEGABYTE = 'x'.repeat(1 << 20);
const LOOK_ALIKES = [
	'＋３３６１２２４６４００', // fullwidth
	'+٣٣٦١٢٢٤٦٤٠٠', // Arabic-Indic digits
	'+۳۳۶۱۲۲۴۶۴۰۰', // Extended Arabic-Indic
	'１２３４',
	'١٢٣٤',
	'ＦＲ',
	'ΑΒCD', // Greek capitals that look Latin
	'numbеrs', // Cyrillic е
	'{{pіn}}', // Cyrillic і
	'+33 6\u200b12 24 64 00', // zero-width space
	'\u202e0046 21633+', // right-to-left override
];
const CONTROL = ['\u0000', '\r\n', '\n', '\t', '\u001b[31m', '\u0085', '\u2028', '\u007f'];

/** Values no parameter should trust: wrong types, empty-looking, huge, look-alikes, control characters. */
const hostile = fc.oneof(
	fc.constantFrom(null, undefined, true, false, 0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, '', '   ', MEGABYTE),
	fc.constantFrom(...LOOK_ALIKES),
	fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 8 })).map((p) => p.join('')),
	fc.string({ maxLength: 30 }),
	fc.string({ unit: 'binary', maxLength: 20 }),
	fc.integer(),
	fc.double({ noNaN: true }),
	fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
	fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/**
 * A value for one field: mostly a valid one (so that requests do go out), sometimes a well-typed wrong one, sometimes
 * a hostile one. `valid` and `wrong` are lists of constants.
 */
const fieldValue = (valid, wrong = []) =>
	fc.oneof(
		{ weight: 12, arbitrary: fc.constantFrom(...valid) },
		...(wrong.length ? [{ weight: 1, arbitrary: fc.constantFrom(...wrong) }] : []),
		{ weight: 1, arbitrary: hostile },
	);

const SEND_FIELDS = {
	countryIso: fieldValue(['FR', 'GB', 'US'], ['fr', 'UK']),
	from: fieldValue(['Acme', 'InfoText', 'Shop 24', '😀😀😀😀😀😀😀😀'], ['ab', 'a'.repeat(16)]),
	template: fieldValue(['Your code is {{pin}}', 'Code: {{pin}} (valid 3 min)', 'Код: {{pin}}', '{{pin}}', `${'€'.repeat(200)}{{pin}}`], ['no placeholder', `${'a'.repeat(600)}{{pin}}`]),
	trackId: fieldValue(['bf325375-e030-4ccb-a009-17317c574773'], ['BF325375-E030-4CCB-A009-17317C574773']),
	ttl: fieldValue([60, 180, 1800, '300'], [59, 1801]),
	maxAttempts: fieldValue([1, 4, 10, '3'], [0, 11]),
	pinType: fieldValue(['numbers', 'letters', 'alphanumeric'], ['emoji', 'Numbers']),
	pinLength: fieldValue([4, 6, 10, '8'], [3, 11]),
	otpCallbackUrl: fieldValue(['https://n8n.example.com/webhook/x', 'http://[::1]:5678/hook#f', 'https://u:p@example.com/?token=old'], ['not a url', 'ftp://x.org']),
	appendWebhookSecret: fieldValue([true, false, 'true']),
	maxSmsParts: fieldValue([1, 3, 20], [0, 21]),
};
const PHONE = fieldValue(['+33612246400', '+1 (415) 555-0132', '+44 20 7946 0958'], ['+12', 'call me', '06 12 24 64 00']);
const LOCALIZED_ROW = fc.record(
	{ language: fieldValue(['fr', 'DE', 'es'], ['fra', '']), text: fieldValue(['Votre code {{pin}}', 'Ihr Code: {{pin}}'], ['Ihr Code', '']) },
	{ requiredKeys: [] },
);

/** A jest timeout that grows with the number of runs (about 20 ms each, with a wide margin). */
const timeout = 30000 + RUNS * 200;

module.exports = { fc, settings, timeout, RUNS, SEED, hostile, fieldValue, SEND_FIELDS, PHONE, LOCALIZED_ROW };

// Queue mode from any folder: the cluster's Postgres starts when the clone sits in a folder other users cannot
// enter (a mktemp -d folder is 0700; so are /root and most home folders), here with a space in its path too. As
// root, Postgres runs as nobody, who cannot reach a server inside such a clone (it failed: spawnSync … EACCES).
// The test copies what the cluster's Postgres start uses (e2e/lib, e2e/queue/cluster.js, the Postgres package)
// into such a folder and runs it there, in a process of its own.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { E2E_DIR } = require('../lib/paths');
const { run, portInUse } = require('../lib/proc');
const { installed, PG_NATIVE } = require('./cluster');

const missing = installed();
const d = missing.length ? describe.skip : describe;

/** A clone of the parts the Postgres start needs, under a fresh 0700 folder, with a space in the path. */
function privateClone(parent) {
	const clone = path.join(parent, 'my clone');
	const e2e = path.join(clone, 'e2e');
	fs.cpSync(path.join(E2E_DIR, 'lib'), path.join(e2e, 'lib'), { recursive: true });
	fs.cpSync(path.join(E2E_DIR, 'queue', 'cluster.js'), path.join(e2e, 'queue', 'cluster.js'));
	fs.cpSync(PG_NATIVE, path.join(e2e, path.relative(E2E_DIR, PG_NATIVE)), { recursive: true, verbatimSymlinks: true });
	fs.symlinkSync(path.join(E2E_DIR, 'n8n2'), path.join(e2e, 'n8n2')); // the pg client n8n ships, read by this process only
	return clone;
}

const START_STOP = `
const fs = require('fs');
const { Cluster } = require('./e2e/queue/cluster');
(async () => {
	const cluster = new Cluster({ name: 'private-folder' });
	const out = {};
	try {
		await cluster.startPostgres();
		out.port = cluster.pgPort;
		out.home = cluster.pgHome.home;
		[out.row] = await cluster.sql('SELECT current_user AS who, version() AS version', { as: 'postgres', database: 'postgres' });
		out.n8nDb = await cluster.sql('SELECT 1 AS one');
	} catch (e) {
		out.error = e.message;
	} finally {
		await cluster.stop();
	}
	out.homeLeft = Boolean(out.home && fs.existsSync(out.home));
	process.stdout.write(JSON.stringify(out));
})();
`;

d('Postgres for queue mode, from a clone in a private folder', () => {
	test('under a 0700 folder with a space in its path, Postgres 17 starts, answers on 127.0.0.1, stops by PID and leaves nothing behind', async () => {
		const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'smscx-private-'));
		try {
			expect((fs.statSync(parent).mode & 0o777).toString(8)).toBe('700');
			const clone = privateClone(parent);
			const r = await run(process.execPath, ['-e', START_STOP], { cwd: clone, timeoutMs: 120000 });
			const out = JSON.parse(r.stdout || '{}');
			expect(out.error).toBeUndefined();
			expect(out.row).toEqual({ who: 'postgres', version: expect.stringMatching(/^PostgreSQL 17\./) });
			expect(out.n8nDb).toEqual([{ one: 1 }]);
			expect(await portInUse(out.port)).toBe(false);
			expect(out.homeLeft).toBe(false);
		} finally {
			fs.rmSync(parent, { recursive: true, force: true });
		}
	}, 150000);
});

// Loaded into the measured n8n process with NODE_OPTIONS=--require: on exit, writes the process's peak RSS
// (getrusage ru_maxrss, which includes the final JSON print) to $BENCH_RSS_DIR/<pid>.json. Nothing else.
'use strict';

const fs = require('fs');
const path = require('path');

const dir = process.env.BENCH_RSS_DIR;
if (dir) {
	process.on('exit', () => {
		try {
			const entry = { pid: process.pid, ppid: process.ppid, script: process.argv.slice(1, 3).join(' '), maxRssKb: process.resourceUsage().maxRSS };
			fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(entry));
		} catch {
			/* measuring must never break the run */
		}
	});
}

// Every relative link in the project's Markdown points at a file that exists and, with a #fragment, at a heading
// that exists there (GitHub's anchor rules). Part of `npm run lint`, so a moved section cannot leave a dead link.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import glob from 'fast-glob';

const files = await glob(['**/*.md'], { ignore: ['**/node_modules/**', '.git/**', '.e2e/**', 'dist/**'], dot: true });

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(file) {
	const seen = new Map();
	const anchors = new Set();
	let inCode = false;
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		if (line.startsWith('```')) inCode = !inCode;
		const heading = !inCode && line.match(/^#{1,6} (.*)$/);
		if (!heading) continue;
		const base = heading[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		anchors.add(count ? `${base}-${count}` : base);
	}
	return anchors;
}

const problems = [];
let checked = 0;
for (const file of files) {
	const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
	for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
		if (/^[a-z]+:/i.test(target)) continue; // http(s), mailto: not checked offline
		checked++;
		const [path, fragment] = target.split('#');
		const resolved = path ? normalize(join(dirname(file), decodeURIComponent(path))) : file;
		if (!existsSync(resolved)) {
			problems.push(`${file}: ${target}: no such file`);
		} else if (fragment && statSync(resolved).isFile() && resolved.endsWith('.md') && !anchorsOf(resolved).has(fragment)) {
			problems.push(`${file}: ${target}: no heading with that anchor in ${resolved}`);
		}
	}
}
if (problems.length) {
	console.log(problems.map((p) => `✘ ${p}`).join('\n'));
	process.exit(1);
}
console.log(`links: ${checked} relative links in ${files.length} Markdown files, all resolve`);

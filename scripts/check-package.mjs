// The package-level rules of n8n's community-node verification that can be checked offline, on
// package.json and on what `npm pack` would publish. Part of `npm run lint`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const problems = [];
const check = (ok, message) => ok || problems.push(message);

const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
check(/^(@[^/]+\/)?n8n-nodes-/.test(pkg.name), 'name must be n8n-nodes-* or @scope/n8n-nodes-*');
check(pkg.license === 'MIT' && existsSync('LICENSE.md'), 'license must be MIT, with a LICENSE.md');
check(!pkg.dependencies || Object.keys(pkg.dependencies).length === 0, 'no runtime dependencies allowed');
check(!pkg.overrides, 'no "overrides" field allowed');
check(JSON.stringify(pkg.peerDependencies) === JSON.stringify({ 'n8n-workflow': '*' }), 'peerDependencies must be exactly {"n8n-workflow":"*"}');
for (const script of LIFECYCLE) check(!pkg.scripts?.[script], `no "${script}" lifecycle script allowed`);
check(Array.isArray(pkg.files) && pkg.files.length > 0, 'a "files" array is required');
check(pkg.author?.name && pkg.author?.email, 'author needs a name and an email');
check(typeof pkg.homepage === 'string' && pkg.homepage.startsWith('https://'), 'homepage is required');
check(pkg.repository?.url, 'repository is required (the provenance attestation names it)');
check(pkg.keywords?.includes('n8n-community-node-package'), 'keywords must include n8n-community-node-package');
check(pkg.n8n?.n8nNodesApiVersion === 1, 'n8n.n8nNodesApiVersion must be 1');

// What npm would publish: the compiled nodes, their codex files and icons, and nothing else.
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
const files = packed.files.map((f) => f.path);
for (const entry of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) {
	check(files.includes(entry), `${entry} (named in package.json "n8n") is not in the package: run npm run build`);
}
for (const file of files) {
	const allowed = ['package.json', 'README.md', 'LICENSE.md', 'CHANGELOG.md'].includes(file) || /^dist\/.*\.(js|json|svg)$/.test(file);
	check(allowed, `unexpected file in the package: ${file}`);
}

if (problems.length) {
	console.log(problems.map((p) => `✘ ${p}`).join('\n'));
	process.exit(1);
}
console.log(`package: ${files.length} files, ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked; package.json rules pass`);

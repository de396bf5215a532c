// `npm run lint`: the lint n8n's verification scanner (@n8n/scan-community-package) runs, with its own
// config (buildScanConfig) and its settings: inline eslint-disable comments are ignored. It covers every
// .ts and .json file of the repository (the scanner's source leg covers a subset), and, like its tarball
// leg, the compiled .js in dist/ when a build exists. The one exception: the manifests of the throwaway n8n
// installs under e2e/ are npm host folders, not community packages, so package.json rules cannot apply.
import { ESLint } from 'eslint';
import glob from 'fast-glob';
import { buildScanConfig } from '@n8n/scan-community-package/scanner/scanner.mjs';

const eslint = new ESLint({
	cwd: process.cwd(),
	allowInlineConfig: false,
	overrideConfigFile: true,
	overrideConfig: await buildScanConfig(),
});

const files = await glob(['**/*.ts', '**/*.json', 'dist/**/*.js'], {
	ignore: ['**/node_modules/**', '.git/**', '.e2e/**', '**/package-lock.json', 'dist/**/*.json', 'dist/**/*.d.ts', 'e2e/**/package.json'],
	dot: true,
});
const results = await eslint.lintFiles(files);
const formatter = await eslint.loadFormatter('stylish');
const errors = results.reduce((sum, r) => sum + r.errorCount, 0);
const warnings = results.reduce((sum, r) => sum + r.warningCount, 0);
const report = await formatter.format(results);
if (report) console.log(report);
console.log(`lint: ${files.length} files, ${errors} errors, ${warnings} warnings (scanner rules, inline disables ignored)`);
process.exit(errors > 0 ? 1 : 0);

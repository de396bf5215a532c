// Build helpers around tsc: start from an empty dist/, then copy the SVG icons next to the compiled code
// (n8n resolves `file:` icons relative to the .js file).
const fs = require('fs');
const { src, dest } = require('gulp');

async function clean() {
	fs.rmSync('dist', { recursive: true, force: true });
}

function buildIcons() {
	return src(['icons/*.svg'], { base: '.' }).pipe(dest('dist'));
}

exports.clean = clean;
exports['build:icons'] = buildIcons;

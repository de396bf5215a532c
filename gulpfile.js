// Copies the SVG icons next to the compiled code: n8n resolves `file:` icons relative to the .js file.
const { src, dest } = require('gulp');

function buildIcons() {
	return src(['icons/*.svg'], { base: '.' }).pipe(dest('dist'));
}

exports['build:icons'] = buildIcons;

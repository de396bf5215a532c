'use strict';
// { method?, path? } filter shared by the request log and fault injection.
// path: exact string or RegExp (tested against the path without query string).

function matches(filter, method, path) {
	if (filter.method && filter.method.toUpperCase() !== method.toUpperCase()) return false;
	if (filter.path === undefined || filter.path === null) return true;
	if (filter.path instanceof RegExp) {
		filter.path.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
		return filter.path.test(path);
	}
	return filter.path === path;
}

module.exports = { matches };

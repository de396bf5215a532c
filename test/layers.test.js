// nodes/shared/ is the layer both nodes build on: it must not depend on either node (issue 10: errors.ts used to
// import the rules from nodes/SmscxOtp/validation.ts). The rules live in nodes/shared/rules.ts as data.
const fs = require('fs');
const path = require('path');

const shared = path.join(__dirname, '..', 'nodes', 'shared');

test.each(fs.readdirSync(shared).filter((f) => f.endsWith('.ts')))('nodes/shared/%s imports nothing from a node', (file) => {
	const source = fs.readFileSync(path.join(shared, file), 'utf8');
	const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
	expect(imports.filter((from) => !/^(n8n-workflow|crypto|\.\/[\w-]+)$/.test(from))).toEqual([]);
});

// SMS.CX OTP Trigger: the node as n8n and its users see it before any callback arrives.
const path = require('path');
const { SmscxOtpTrigger } = require('../../dist/nodes/SmscxOtpTrigger/SmscxOtpTrigger.node');
const codex = require('../../dist/nodes/SmscxOtpTrigger/SmscxOtpTrigger.node.json');
const pkg = require('../../package.json');

const node = new SmscxOtpTrigger();
const { description } = node;
const property = (name) => description.properties.find((p) => p.name === name);

test('is a trigger named like one, with no inputs, not usable as an AI tool, on the smscxApi credential', () => {
	expect(description).toMatchObject({
		name: 'smscxOtpTrigger',
		displayName: 'SMS.CX OTP Trigger',
		version: 1,
		group: ['trigger'],
		inputs: [],
		outputs: ['main'],
		credentials: [{ name: 'smscxApi', required: true }],
		icon: { light: 'file:../../icons/smscx.svg', dark: 'file:../../icons/smscx.dark.svg' },
	});
	expect(description.usableAsTool).toBeUndefined();
});

test('one POST webhook that answers on receipt, with an empty body', () => {
	expect(description.webhooks).toEqual([
		{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'noData', path: 'webhook' },
	]);
	expect(Object.keys(node.webhookMethods.default).sort()).toEqual(['checkExists', 'create', 'delete']);
});

test('Statuses offers the five OTP statuses, sorted, empty by default', () => {
	const statuses = property('statuses');
	expect(statuses).toMatchObject({ type: 'multiOptions', default: [] });
	expect(statuses.options.map((o) => o.value)).toEqual(['CANCELLED', 'EXPIRED', 'FAILED', 'PENDING', 'VERIFIED']);
});

test('Ignore Duplicates is on and the insecure opt-out off by default', () => {
	const options = Object.fromEntries(property('options').options.map((o) => [o.name, o.default]));
	expect(options).toEqual({ allowUnauthenticated: false, ignoreDuplicates: true });
});

test('the notice is short and actionable; the panel help tells both ways to wire the URL with its token', () => {
	const notice = property('setupNotice').displayName;
	expect(notice.length).toBeLessThanOrEqual(220);
	expect(notice).toContain('?token=YOUR_WEBHOOK_SECRET');
	expect(notice).toContain('Webhook URLs'); // the collapsed section's own name, not "the URL above"
	expect(notice).not.toMatch(/\babove\b/);
	const { inactive, active } = description.triggerPanel.executionsHelp;
	expect(inactive).toContain('"Execute step"'); // n8n 2.x's button; 1.x called it "Listen for test event"
	for (const text of [inactive, active]) {
		expect(text).toContain('?token=YOUR_WEBHOOK_SECRET');
		expect(text).toMatch(/SMS\.CX dashboard|its dashboard/);
		expect(text).toContain('Callback URL');
	}
	expect(inactive).toContain('Callback URL Token');
	expect(description.triggerPanel.activationHint).toContain('Production URL with ?token=');
});

test('the codex and package.json register the node', () => {
	expect(codex.node).toBe('n8n-nodes-smscx.smscxOtpTrigger');
	expect(pkg.n8n.nodes).toContain('dist/nodes/SmscxOtpTrigger/SmscxOtpTrigger.node.js');
	expect(require.resolve(path.join('../..', pkg.n8n.nodes.find((n) => n.includes('Trigger'))))).toBeTruthy();
});

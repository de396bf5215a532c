// What an AI model reads about each operation, computed by n8n-workflow's own getToolDescriptionForNode
// on the AI-tool variant of the node (as n8n builds it), for a workflow saved without `resource`.
const path = require('path');
const { Workflow, NodeHelpers } = require('n8n-workflow');
const { nodeTypesOf } = require('./engine/harness');

const { SmscxOtp } = require(path.join(__dirname, '..', 'dist', 'nodes', 'SmscxOtp', 'SmscxOtp.node.js'));
const plain = new SmscxOtp();
const tool = { description: { ...plain.description, name: 'n8n-nodes-smscx.smscxOtpTool', outputs: ['ai_tool'] } };

function toolDescription(type, parameters) {
	const node = { id: '1', name: 'OTP tool', type: `n8n-nodes-smscx.${type}`, typeVersion: 1, position: [0, 0], parameters };
	const nodeType = type === 'smscxOtpTool' ? tool : plain;
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypesOf({ [node.type]: nodeType }) });
	return { description: NodeHelpers.getToolDescriptionForNode(workflow.getNode('OTP tool'), nodeType), parameters: workflow.getNode('OTP tool').parameters };
}

describe('what a model reads about each tool', () => {
	const ops = ['new', 'verify', 'status', 'cancel'];
	const seen = Object.fromEntries(ops.map((operation) => [operation, toolDescription('smscxOtpTool', { operation }).description]));

	test('every operation has its own description', () => {
		expect(new Set(Object.values(seen)).size).toBe(ops.length);
	});

	test('Send says it costs money, needs E.164, returns otpId and that the PIN is not returned', () => {
		expect(seen.new).toMatch(/COSTS MONEY/);
		expect(seen.new).toMatch(/E\.164/);
		expect(seen.new).toMatch(/otpId/);
		expect(seen.new).toMatch(/PIN itself is never returned/);
	});

	test.each(['verify', 'status', 'cancel'])('%s says it is free and needs the otpId', (operation) => {
		expect(seen[operation]).toMatch(/Free/);
		expect(seen[operation]).toMatch(/Needs otpId/);
	});

	test('a workflow saved without resource gets resource "otp"; the plain node has no tool description', () => {
		const { parameters } = toolDescription('smscxOtp', { operation: 'verify' });
		expect(parameters.resource).toBe('otp');
		expect(parameters).not.toHaveProperty('toolDescription');
	});

	test('a description the user typed wins', () => {
		expect(toolDescription('smscxOtpTool', { operation: 'new', toolDescription: 'Mine' }).description).toBe('Mine');
	});
});

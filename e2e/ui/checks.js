// The browser checks: what a user sees in n8n 2.41's editor, asserted on the page's text and elements.
// Each check is { name, defect?, run(ctx) }; run throws (assert) on failure. Screenshots are for people only.
// ctx: { page, darkPage, base, server, standIn, examples, shots, shot(target, name), opDescription, wf }
'use strict';

const assert = require('assert/strict');
const fs = require('fs');
const path = require('path');
const { ROOT } = require('../lib/paths');
const { openWorkflow, openNode, closeNdv, ndvTitle, closeToasts, dismissChecklist } = require('./browser');

const EVERY_OP = 'smscxDemoEveryOp';
const VALIDATION = 'smscxUiValidation';
// n8n 2.x saves edits by itself: checks that edit a panel work on their own copy of "every operation".
const SCRATCH = { secretSwitch: 'smscxUiScratch01', emptyFields: 'smscxUiScratch02' };
const T = (page, sel) => page.locator(sel);

/** The built node's own texts (so a check follows the package, not a copy of its strings). */
function builtDescription(file, cls) {
	const mod = require(path.join(ROOT, 'dist', 'nodes', file));
	return new mod[cls]().description;
}

async function searchNodes(page, base, text) {
	await openWorkflow(page, base, EVERY_OP);
	await T(page, '[data-test-id="node-creator-plus-button"]').click();
	await T(page, '[data-test-id="node-creator-search-bar"]').fill(text);
	const items = T(page, '[data-test-id="node-creator"] [data-test-id="item-iterator-item"]');
	await items.filter({ hasText: 'SMS.CX OTP' }).first().waitFor();
	return items;
}

/** Clicks "Add Field" of the first collection in the panel and picks an option; returns the offered labels. */
async function addField(page, label) {
	await T(page, '[data-test-id="node-parameters"] [data-test-id="collection-parameter-add"]').first().click();
	const options = page.getByRole('option');
	await options.first().waitFor();
	const labels = (await options.allInnerTexts()).map((s) => s.trim());
	if (label) await page.getByRole('option', { name: label, exact: true }).click();
	else await page.keyboard.press('Escape');
	return labels;
}

/** Output panel as JSON text (switches the display to JSON). */
async function outputJson(page) {
	const panel = T(page, '[data-test-id="output-panel"]');
	await panel.locator('[data-test-id="radio-button-json"]').click();
	// The JSON view renders after the click settles; read once it shows a key, not the panel's header alone.
	const deadline = Date.now() + 15000;
	let text = '';
	do {
		text = (await panel.innerText()).replace(/\s+/g, ' ');
		if (/"[^"]+":/.test(text)) return text;
		await page.waitForTimeout(250);
	} while (Date.now() < deadline);
	return text;
}

/**
 * Opens a credential from Overview → Credentials; n8n tests it on opening. Resolves whether the test passed and,
 * when not, the message behind "More details".
 */
async function openCredential(page, base, name) {
	await page.goto(`${base}/home/credentials`);
	await page.getByText(name, { exact: true }).click();
	const dialog = T(page, '[data-test-id="credential-edit-dialog"]');
	await dialog.waitFor();
	const status = dialog.getByText(/Connection tested successfully|Couldn.t connect with these settings/).first();
	await status.waitFor({ timeout: 60000 });
	const ok = /successfully/.test(await status.innerText());
	let banner = (await status.innerText()).trim();
	if (!ok) {
		await dialog.getByText('More details').click();
		// The message appears in the banner, between its Retry button and the first field (Authentication).
		const text = (await dialog.innerText()).replace(/\s+/g, ' ');
		const m = text.match(/Couldn.t connect with these settings Retry (.*?) Authentication /);
		banner = m ? m[1].trim() : text;
	}
	return { dialog, ok, banner };
}

async function closeDialog(page) {
	await page.keyboard.press('Escape');
}

/** Canvas boxes of a workflow: sticky notes and other nodes (screen coordinates). */
async function canvasBoxes(page) {
	return page.evaluate(() => {
		const box = (e, name, sticky) => {
			const r = e.getBoundingClientRect();
			return { name, sticky, x1: r.left, y1: r.top, x2: r.right, y2: r.bottom };
		};
		const notes = [...document.querySelectorAll('[data-test-id="sticky"]')].map((e, i) => box(e, `note ${i + 1}`, true));
		const nodes = [...document.querySelectorAll('[data-test-id="canvas-node"]')]
			.filter((e) => !e.querySelector('[data-test-id="sticky"]') && !e.closest('[data-test-id="sticky"]'))
			.map((e) => box(e, e.getAttribute('data-node-name'), false));
		return [...notes, ...nodes];
	});
}

const overlaps = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

const CHECKS = [
	{
		name: 'node search: "sms" lists SMS.CX OTP near the top with the action node\'s own description and icon',
		defect: 4,
		async run({ page, base, shot, opDescription }) {
			const items = await searchNodes(page, base, 'sms');
			const texts = (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
			const rank = texts.findIndex((t) => t.startsWith('SMS.CX OTP'));
			assert.ok(rank >= 0 && rank < 3, `SMS.CX OTP is result ${rank + 1} for "sms": ${texts.slice(0, 4).join(' / ')}`);
			const entry = items.nth(rank);
			const img = entry.locator('img').first();
			assert.match(await img.getAttribute('src'), /\/icons\/n8n-nodes-smscx\/.*smscx\.svg$/);
			assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the icon did not load');
			await shot(page.locator('[data-test-id="node-creator"]'), 'search-sms');
			// n8n shows one entry for the node and its trigger, with one description: it must tell about the actions
			// (the action node's own text, or one covering both), not only the trigger's "Starts the workflow when…".
			const describesActions = (t) => t.includes(opDescription) || (/\bsend\b/i.test(t) && /\bverif/i.test(t) && !/^SMS\.CX OTP Starts the workflow/.test(t));
			assert.ok(describesActions(texts[rank]), `search entry shows "${texts[rank]}": the trigger's description, not what the actions do`);
			await entry.click();
			const details = (await T(page, '[data-test-id="node-creator"]').innerText()).replace(/\s+/g, ' ');
			assert.ok(describesActions(details.replace(/^.*?SMS\.CX OTP (Installed )?/, 'SMS.CX OTP ')), `node details show "${details.slice(0, 160)}"`);
		},
	},
	{
		name: 'node details: action names follow n8n (sentence case, the operation\'s verb, one object named alike)',
		defect: 10,
		async run({ page, base, shot, opOperations }) {
			const items = await searchNodes(page, base, 'sms.cx otp');
			await items.filter({ hasText: 'SMS.CX OTP' }).first().click();
			const creator = T(page, '[data-test-id="node-creator"]');
			await creator.getByText(/^Actions/).waitFor();
			await shot(creator, 'node-details-actions');
			const shown = (await creator.innerText()).split('\n').map((s) => s.trim());
			const acronyms = /^(OTP|OTPs|PIN|PINs|SMS|SMS\.CX|ID|URL)$/;
			const objects = new Set();
			for (const op of opOperations) {
				assert.ok(shown.includes(op.action), `action "${op.action}" is not listed (${shown.join(' / ')})`);
				const words = op.action.split(' ');
				const miscased = words.slice(1).filter((w) => /^[A-Z]/.test(w) && !acronyms.test(w));
				assert.deepEqual(miscased, [], `"${op.action}" is not sentence case`);
				assert.equal(words[0], op.name.split(' ')[0], `operation "${op.name}" has the action "${op.action}": not the same verb`);
				objects.add(words.slice(-2).join(' ')); // n8n's pattern: "<Verb> … a contact", the object named alike
			}
			assert.equal(objects.size, 1, `the actions name their object in different ways: ${opOperations.map((o) => o.action).join(' / ')}`);
		},
	},
	{
		name: 'icons: a glyph without text, light on the light theme, dark on the dark theme, readable at 16 px',
		defect: 6,
		async run({ page, base, shot, darkPage }) {
			const svgs = {};
			for (const v of ['smscx.svg', 'smscx.dark.svg']) {
				const r = await page.request.get(`${base}/icons/n8n-nodes-smscx/dist/icons/${v}`);
				assert.equal(r.status(), 200, `${v}: HTTP ${r.status()}`);
				svgs[v] = await r.text();
				assert.doesNotMatch(svgs[v], /<text|font-family/, `${v} contains text`);
			}
			assert.notEqual(svgs['smscx.svg'], svgs['smscx.dark.svg'], 'the light and dark icons are the same');
			for (const [p, want] of [
				[page, /\/smscx\.svg$/],
				[darkPage, /\/smscx\.dark\.svg$/],
			]) {
				await openWorkflow(p, base, EVERY_OP);
				const src = await p.locator('[data-test-id="canvas-node"][data-node-name="Send"] img').getAttribute('src');
				assert.match(src, want);
			}
			// 16 px and 48 px renders of both, on their backgrounds, for people to judge.
			const html = `<body style="margin:0"><div id="icons" style="display:inline-flex">${['#ffffff', '#1f1f1f']
				.map((bg, i) => {
					const svg = Buffer.from(svgs[i ? 'smscx.dark.svg' : 'smscx.svg']).toString('base64');
					return `<div style="background:${bg};padding:8px;display:flex;gap:8px;align-items:center">${[16, 20, 48].map((s) => `<img width="${s}" height="${s}" src="data:image/svg+xml;base64,${svg}">`).join('')}</div>`;
				})
				.join('')}</div></body>`;
			const probe = await page.context().newPage();
			await probe.setContent(html);
			await shot(probe.locator('#icons'), 'icons');
			await probe.close();
		},
	},
	{
		name: 'demo "every operation": each node opens its own panel (double-click and /workflow/<id>/<nodeId>)',
		defect: 1,
		async run({ page, base, wf }) {
			await openWorkflow(page, base, EVERY_OP);
			const wrong = [];
			for (const node of wf[EVERY_OP].nodes.filter((n) => n.type.startsWith('n8n-nodes-smscx.'))) {
				await openNode(page, node.name);
				const title = await ndvTitle(page);
				if (title !== node.name) wrong.push(`double-click "${node.name}" opened "${title}"`);
				await closeNdv(page);
			}
			for (const node of wf[EVERY_OP].nodes.filter((n) => n.name.startsWith('Verify'))) {
				await page.goto(`${base}/workflow/${EVERY_OP}/${node.id}`);
				await T(page, '[data-test-id="ndv"]').waitFor();
				const title = await ndvTitle(page);
				if (title !== node.name) wrong.push(`/workflow/${EVERY_OP}/${node.id} opened "${title}", not "${node.name}"`);
			}
			assert.deepEqual(wrong, []);
		},
	},
	{
		name: 'operation panels: Send, Get Status, Verify and Cancel show their fields',
		async run({ page, base, shot }) {
			await openWorkflow(page, base, EVERY_OP);
			const want = {
				Send: ['Operation', 'Phone Number', 'Additional Fields', 'Options'],
				Status: ['Operation', 'OTP ID'],
				Verify: ['Operation', 'OTP ID', 'PIN', 'Options'],
				Cancel: ['Operation', 'OTP ID'],
			};
			for (const [node, labels] of Object.entries(want)) {
				await openNode(page, node);
				const params = T(page, '[data-test-id="node-parameters"]');
				const shown = (await params.locator('[data-test-id="input-label"]').allInnerTexts()).map((s) => s.split('\n')[0].trim());
				for (const l of labels) assert.ok(shown.includes(l), `${node}: no field "${l}" (${shown.join(', ')})`);
				if (node === 'Send') await shot(T(page, '[data-test-id="ndv"]'), 'send-panel');
				await closeNdv(page);
			}
		},
	},
	{
		name: 'Send → Add Field: Callback URL comes before the webhook-secret switch, labels are not cut, the switch alone warns',
		defect: 5,
		async run({ page, base, shot }) {
			await openWorkflow(page, base, SCRATCH.secretSwitch);
			await openNode(page, 'Send another');
			const offered = await addField(page);
			const cb = offered.indexOf('Callback URL');
			const secret = offered.findIndex((o) => o !== 'Callback URL' && /secret|token/i.test(o));
			assert.ok(cb >= 0 && secret >= 0, `Add Field offers: ${offered.join(', ')}`);
			assert.ok(cb < secret, `"${offered[secret]}" comes before "Callback URL" in Add Field`);
			await addField(page, offered[secret]);
			const params = T(page, '[data-test-id="node-parameters"]');
			const cut = await params.locator('[data-test-id="input-label"] .n8n-text').evaluateAll((els) =>
				els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.innerText),
			);
			await shot(T(page, '[data-test-id="ndv"]'), 'send-secret-switch');
			assert.deepEqual(cut, [], 'labels cut off');
			// Without a Callback URL the switch does nothing: the user must be told, in the panel (a notice or hint) or
			// when the step runs (an error or hint in the output).
			const hints = await params.locator('.n8n-notice, [class*="hint"], [data-test-id*="hint"]').allInnerTexts();
			if (!hints.some((h) => /callback url/i.test(h))) {
				await T(page, '[data-test-id="ndv"] [data-test-id="node-execute-button"]').click();
				const out = T(page, '[data-test-id="output-panel"]');
				await out.getByText(/item|error|Error|Problem/).first().waitFor({ timeout: 30000 });
				const text = (await out.innerText()).replace(/\s+/g, ' ');
				assert.match(text, /callback url/i, `no warning about the missing Callback URL, in the panel or the output: ${text.slice(0, 300)}`);
			}
		},
	},
	{
		name: 'Send with optional fields added but left empty runs (empty means not set)',
		defect: 2,
		async run({ page, base, shot }) {
			await openWorkflow(page, base, SCRATCH.emptyFields);
			await openNode(page, 'Send another');
			await addField(page, 'Sender ID');
			await addField(page, 'TTL (Seconds)');
			await addField(page, 'Localized Templates');
			await page.getByRole('button', { name: /Add Localized Template/ }).click();
			const ttl = T(page, '[data-test-id="parameter-input-ttl"] input');
			if (await ttl.count()) await ttl.fill('');
			await T(page, '[data-test-id="ndv"] [data-test-id="node-execute-button"]').click();
			const out = T(page, '[data-test-id="output-panel"]');
			await out.getByText(/item|error|Error|Problem/).first().waitFor({ timeout: 30000 });
			await shot(T(page, '[data-test-id="ndv"]'), 'send-empty-fields');
			const text = (await out.innerText()).replace(/\s+/g, ' ');
			assert.doesNotMatch(text, /error|problem/i, `the item failed: ${text.slice(0, 300)}`);
			assert.match(await outputJson(page), /"otpId"/);
		},
	},
	{
		name: 'demo "every operation" executes green; Verify shows verified: true (with the phone number), Verify wrong PIN verified: false',
		async run({ page, base, shot }) {
			await openWorkflow(page, base, EVERY_OP);
			await T(page, '[data-test-id="execute-workflow-button"]').click();
			await T(page, '[data-test-id="canvas-node"][data-node-name="Cancel"] [data-test-id="canvas-node-status-success"]').waitFor({ timeout: 60000 });
			const failed = await page.locator('[data-test-id="canvas-node"]:not(:has([data-test-id="canvas-node-status-success"]))').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-name')));
			assert.deepEqual(failed, [], 'nodes without the green success mark');
			await closeToasts(page);
			await openNode(page, 'Verify wrong PIN');
			assert.match(await outputJson(page), /"verified": false, "otpId": "[0-9a-f-]{36}", "code": 2029/);
			await shot(T(page, '[data-test-id="output-panel"]'), 'verify-false-output');
			await closeNdv(page);
			await openNode(page, 'Verify');
			const ok = await outputJson(page);
			assert.match(ok, /"verified": true/);
			assert.match(ok, /"phoneNumber": "\+33612345678"/, `Verify's output has no phone number: ${ok.slice(0, 200)}`);
		},
	},
	{
		name: 'validation error: TTL 5 fails before sending, and the error panel names the field, the rule and the fix',
		async run({ page, base, shot, standIn }) {
			const before = (await standIn.requests()).length;
			await openWorkflow(page, base, VALIDATION);
			await openNode(page, 'Send with ttl 5');
			await T(page, '[data-test-id="ndv"] [data-test-id="node-execute-button"]').click();
			const out = T(page, '[data-test-id="output-panel"]');
			await out.getByText(/TTL/).first().waitFor({ timeout: 30000 });
			const text = (await out.innerText()).replace(/\s+/g, ' ');
			await shot(T(page, '[data-test-id="ndv"]'), 'validation-error');
			assert.match(text, /TTL \(Seconds\)/);
			assert.match(text, /60/);
			const sent = (await standIn.requests()).slice(before).filter((r) => r.path === '/otp' || r.path === '/otp/');
			assert.equal(sent.length, 0, 'a request reached the stand-in');
		},
	},
	{
		name: 'credential dialog: Test passes for API key, access token and OAuth2; names cause and fix for a wrong key and a wrong OAuth2 secret',
		defect: 3,
		async run({ page, base, shot, creds, note = (m) => process.stdout.write(`        ${m}\n`) }) {
			for (const name of [creds.apiKey, creds.accessToken, creds.oauth2]) {
				const r = await openCredential(page, base, name);
				assert.ok(r.ok, `${name}: ${r.banner}`);
				if (name === creds.oauth2) await shot(r.dialog, 'credential-oauth2');
				await closeDialog(page);
			}
			const key = await openCredential(page, base, creds.badKey);
			note(`wrong API key: ${key.banner}`);
			await shot(key.dialog, 'credential-wrong-key');
			assert.ok(!key.ok, 'a wrong API key passed the test');
			assert.match(key.banner, /API key/i, `wrong key: "${key.banner}" does not name the API key`);
			assert.ok(key.banner.length > 'Unauthorized'.length + 20, `wrong key: "${key.banner}" says no more than Unauthorized`);
			await closeDialog(page);
			const oauth = await openCredential(page, base, creds.oauthBad);
			note(`wrong OAuth2 secret: ${oauth.banner}`);
			assert.ok(!oauth.ok, 'a wrong OAuth2 secret passed the test');
			assert.match(oauth.banner, /invalid_client|Application (ID|Secret)/i, `wrong OAuth2 secret: "${oauth.banner}"`);
			await closeDialog(page);
		},
	},
	{
		name: 'trigger panel: short actionable notice, n8n 2.x wording, Webhook URLs reachable',
		defect: 8,
		async run({ page, base, shot, examples, ui }) {
			await openWorkflow(page, base, examples['otp-status-trigger'].id);
			await openNode(page, 'SMS.CX OTP Trigger');
			const ndv = T(page, '[data-test-id="ndv"]');
			const notice = (await ndv.locator('[data-test-id="node-parameters"]').getByText(/YOUR_WEBHOOK_SECRET/).first().innerText()).trim();
			await shot(ndv, 'trigger-panel');
			assert.ok(notice.length <= 220, `the notice is ${notice.length} characters: "${notice}"`);
			assert.doesNotMatch(notice, /\babove\b/i, 'the notice points at something "above"');
			assert.match(notice, /token/);
			const button = (await ndv.locator('[data-test-id="trigger-execute-button"]').innerText()).trim();
			ui.triggerButton = button;
			const panel = (await ndv.innerText()).replace(/\s+/g, ' ');
			assert.ok(!/Listen for test event/.test(panel) || button === 'Listen for test event', `the panel says "Listen for test event", the button says "${button}"`);
			await ndv.getByText('Webhook URLs', { exact: true }).click();
			await ndv.getByText('Production URL', { exact: true }).first().click();
			assert.match((await ndv.innerText()).replace(/\s+/g, ' '), /\/webhook\/[0-9a-f-]{36}\/webhook/);
		},
	},
	{
		name: 'docs/trigger.md uses the editor\'s own button name and reads cleanly',
		defect: 9,
		async run({ ui }) {
			const doc = fs.readFileSync(path.join(ROOT, 'docs', 'trigger.md'), 'utf8');
			assert.ok(ui.triggerButton, 'the trigger panel check did not read the button name');
			assert.ok(doc.includes(`**${ui.triggerButton}**`), `docs/trigger.md never names the button "${ui.triggerButton}"`);
			assert.doesNotMatch(doc, /Click \*\*Listen for test event\*\*/);
			assert.doesNotMatch(doc, /leave\s+add/);
		},
	},
	{
		name: 'examples: sticky notes do not cover nodes, "SMS.CX" is not a link, and the verification workflow runs green',
		defect: 7,
		async run({ page, base, shot, examples, server, standIn }) {
			const problems = [];
			for (const [file, wf] of Object.entries(examples)) {
				await openWorkflow(page, base, wf.id);
				await page.locator('[data-test-id="zoom-to-fit"]').click();
				await page.waitForTimeout(400);
				const boxes = await canvasBoxes(page);
				// Not vacuous: every example has a note, and its text names SMS.CX.
				assert.ok(boxes.some((b) => b.sticky) && boxes.some((b) => !b.sticky), `${file}: no sticky note or no node found on the canvas`);
				assert.match((await page.locator('[data-test-id="sticky"]').allInnerTexts()).join(' '), /SMS\.CX/);
				for (const note of boxes.filter((b) => b.sticky)) {
					for (const node of boxes.filter((b) => !b.sticky && overlaps(note, b))) problems.push(`${file}: the note "${note.name}" covers "${node.name}"`);
				}
				const links = await page.locator('[data-test-id="sticky"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href') || ''));
				for (const href of links.filter((h) => /^https?:\/\/sms\.cx\/?$/i.test(h))) problems.push(`${file}: "SMS.CX" is auto-linked (${href})`);
				const autoLinked = await page.locator('[data-test-id="sticky"] a').filter({ hasText: /^SMS\.CX$/ }).count();
				if (autoLinked) problems.push(`${file}: ${autoLinked} "SMS.CX" auto-links`);
			}
			// The verification workflow, driven as its users would (two webhook calls), then opened in Executions.
			const wf = examples['phone-verification-webhooks'];
			const sent = await server.postWebhook('smscx/verify/start', { phone: '+33612345678' });
			assert.equal(sent.status, 200, `start: HTTP ${sent.status}`);
			const pin = await standIn.pinOf(sent.body.otpId);
			const startRuns = await server.executionIds(wf.id);
			const checked = await server.postWebhook('smscx/verify/check', { otpId: sent.body.otpId, pin });
			assert.equal(checked.status, 200, `check: HTTP ${checked.status}`);
			const exec = await server.waitForExecution(wf.id, {
				exclude: startRuns,
				match: (e) => Boolean(e.data && e.data.resultData.runData['Verify PIN']),
				what: 'the check execution',
			});
			assert.equal(exec.status, 'success');
			await page.goto(`${base}/workflow/${wf.id}/executions/${exec.id}`, { waitUntil: 'domcontentloaded' });
			await dismissChecklist(page);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Respond: verified"] [data-test-id="canvas-node-status-success"]').waitFor({ timeout: 30000 });
			await page.waitForTimeout(1500); // the canvas fades in
			await shot(page, 'verification-workflow-execution');
			assert.deepEqual(problems, []);
		},
	},
];

module.exports = { CHECKS, EVERY_OP, VALIDATION, SCRATCH, builtDescription };

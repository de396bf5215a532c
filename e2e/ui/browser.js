// Debian's headless Chromium driven by playwright-core (no browser download), and the few page moves every check
// makes in n8n 2.x's editor: sign in, open a workflow, open a node, read a panel, take a screenshot.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Root in a container needs --no-sandbox; the rest keeps Chromium off the (closed) network and quiet.
const FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
	'--disable-crash-reporter',
	'--disable-breakpad',
];

async function launch() {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash scripts/ensure-chromium.sh`);
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/**
 * A signed-in page on the n8n at `base` (the session cookie comes from the REST login, so no check depends on the
 * sign-in form). theme: 'light' | 'dark' (n8n reads it from localStorage).
 */
async function signedInPage(browser, { base, owner, theme = 'light' }) {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: theme });
	await context.addInitScript((t) => {
		window.localStorage.setItem('N8N_THEME', t);
	}, theme);
	const r = await context.request.post(`${base}/rest/login`, {
		data: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (!r.ok()) throw new Error(`sign-in failed: HTTP ${r.status()}`);
	const page = await context.newPage();
	page.setDefaultTimeout(45000); // a loaded 2-core machine: n8n's editor can take this long
	return page;
}

/** Opens a workflow's canvas and waits until its nodes are drawn. */
async function openWorkflow(page, base, id) {
	await page.goto(`${base}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 45000 });
	await closeToasts(page);
	await dismissChecklist(page);
}

/**
 * n8n 2.x opens a "Production Checklist" popover over published workflows; it covers the canvas in screenshots.
 * Its popper (the title's nearest absolutely or fixed positioned ancestor) is hidden; nothing asserts on it.
 */
async function dismissChecklist(page) {
	const checklist = page.getByText('Production Checklist', { exact: true });
	await checklist.waitFor({ timeout: 3000 }).catch(() => {});
	if (!(await checklist.isVisible().catch(() => false))) return;
	await checklist.evaluate((title) => {
		for (let el = title.parentElement; el && el !== document.body; el = el.parentElement) {
			if (['absolute', 'fixed'].includes(getComputedStyle(el).position)) {
				el.style.visibility = 'hidden';
				return;
			}
		}
	});
}

/** Double-clicks a node on the canvas by its name; resolves the open node details view (NDV). */
async function openNode(page, name) {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor();
	return ndv;
}

async function closeNdv(page) {
	await page.keyboard.press('Escape');
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}

/** The NDV's title (the node name shown in its header). */
async function ndvTitle(page) {
	return (await page.locator('[data-test-id="ndv"] [data-test-id="node-title-container"], [data-test-id="ndv"] .node-name').first().innerText()).trim();
}

async function closeToasts(page) {
	for (const close of await page.locator('.el-notification .el-notification__closeBtn').all()) await close.click().catch(() => {});
}

/** A screenshot for people (never asserted on): the whole page or one element. */
async function shot(target, dir, name) {
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${name}.png`);
	await target.screenshot({ path: file });
	return file;
}

module.exports = { CHROMIUM, FLAGS, launch, signedInPage, openWorkflow, dismissChecklist, openNode, closeNdv, ndvTitle, closeToasts, shot };

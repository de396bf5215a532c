// OAuth2 client credentials in real n8n (issue 6), and the credential dialog's Test button for every auth type.
// Evidence: the stand-in's request log (every /oauth/token call and every API call, in order, with its status).
'use strict';

const { CREDS, e2eCredentials } = require('../fixtures');
const { nodeItems } = require('../helpers');

const WF = { reuse: 'e2eOAuthReuse001', expiry: 'e2eOAuthExpiry01', refused: 'e2eOAuth401Renew' };
const ACTIVATE = [WF.reuse, WF.expiry, WF.refused];
const WEBHOOKS = ['e2e-oauth-reuse', 'e2e-oauth-expiry', 'e2e-oauth-401'];

/** The request log after `since` as "METHOD /path status" lines (ids as :id), oldest first. */
async function calls(standIn, since) {
	return (await standIn.requests())
		// SMS.CX API calls only: a late callback delivery from an earlier case may land in the window
		.filter((r) => r.seq > since && /^\/(oauth|otp|account)/.test(r.path))
		.map((r) => ({ line: `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ':id')} ${r.status}`, auth: r.auth, at: r.at }));
}
async function lastSeq(standIn) {
	const all = await standIn.requests();
	return all.length ? all[all.length - 1].seq : 0;
}

function defineOAuthCases(ctx) {
	describe('credential test (the dialog\'s "Test" button: POST /rest/credentials/test)', () => {
		const byKey = (key) => e2eCredentials(ctx.standIn).find((c) => c.id === CREDS[key].id);

		it.each(['apiKey', 'accessToken', 'oauthTest'])('%s: OK', async (key) => {
			const since = await lastSeq(ctx.standIn);
			const answer = await ctx.server.testCredential(byKey(key));
			expect(answer).toMatchObject({ status: 'OK' });
			const lines = (await calls(ctx.standIn, since)).map((c) => c.line);
			expect(lines).toEqual(key === 'oauthTest' ? ['POST /oauth/token 200', 'GET /account/balance 200'] : ['GET /account/balance 200']);
		});

		it('OAuth2 with a wrong application secret: Error naming invalid_client, no balance call', async () => {
			const since = await lastSeq(ctx.standIn);
			const answer = await ctx.server.testCredential(byKey('oauthBad'));
			expect(answer.status).toBe('Error');
			expect(answer.message).toMatch(/invalid_client/);
			expect(answer.message).not.toContain('not-the-secret-000');
			expect((await calls(ctx.standIn, since)).map((c) => c.line)).toEqual(['POST /oauth/token 401']);
		});

		it('a wrong API key: Error', async () => {
			const answer = await ctx.server.testCredential(byKey('badKey'));
			expect(answer.status).toBe('Error');
		});
	});

	describe('OAuth2 client credentials in workflows', () => {
		it('one token for 4 items x 2 operations, two webhook runs and a CLI run in another process', async () => {
			const since = await lastSeq(ctx.standIn);
			for (let run = 0; run < 2; run++) {
				const r = await ctx.server.postWebhook('e2e-oauth-reuse', {});
				expect(r.status).toBe(200);
				expect(r.body.map((o) => o.status)).toEqual(['PENDING', 'PENDING', 'PENDING', 'PENDING']);
			}
			// `n8n execute` is a new process: it can only reuse the token if n8n saved it with the credential.
			const cli = await ctx.n8n.execute(WF.reuse);
			expect(cli.status).toBe('success');
			expect(nodeItems({ data: { resultData: { runData: cli.runData } } }, 'Status')).toHaveLength(4);

			const log = await calls(ctx.standIn, since);
			const tokenCalls = log.filter((c) => c.line.startsWith('POST /oauth/token'));
			expect(tokenCalls.map((c) => c.line)).toEqual(['POST /oauth/token 200']);
			expect(log[0].line).toBe('POST /oauth/token 200'); // fetched before the first call, not after a refusal
			const api = log.filter((c) => !c.line.startsWith('POST /oauth/token'));
			expect(api).toHaveLength(3 * 8);
			for (const c of api) {
				expect(c.auth).toBe('bearer');
				expect(c.line).toMatch(/ 20[01]$/);
			}
		});

		it('a 35 s token is renewed 30 s before expiry: the call after a 6 s Wait gets a new token, with no 401', async () => {
			const since = await lastSeq(ctx.standIn);
			const r = await ctx.server.postWebhook('e2e-oauth-expiry', { phone: '+33612345678' });
			expect(r.status).toBe(200);
			expect(r.body).toMatchObject({ status: 'PENDING' });
			const log = await calls(ctx.standIn, since);
			expect(log.map((c) => c.line)).toEqual([
				'POST /oauth/token 200',
				'POST /otp 201',
				'GET /otp/:id 200',
				'POST /oauth/token 200', // after the Wait: the first token has less than 30 s left
				'GET /otp/:id 200',
				'GET /otp/:id 200', // the renewed token is reused
			]);
			expect(log[3].at - log[0].at).toBeGreaterThanOrEqual(5000);
		}, 60000);

		it('a token SMS.CX no longer accepts (its clock moved 700 s on): one 401, one renewal, the call repeated', async () => {
			const since = await lastSeq(ctx.standIn);
			const r = await ctx.server.postWebhook('e2e-oauth-401', { phone: '+33612345678' });
			expect(r.status).toBe(200);
			expect(r.body).toMatchObject({ status: 'PENDING' });
			const lines = (await calls(ctx.standIn, since)).map((c) => c.line);
			// The stored token from the previous case is still valid for n8n (it expires in about 9 minutes by n8n's
			// clock), so Send uses it; after the clock moves, SMS.CX refuses it once.
			expect(lines).toEqual([
				'POST /otp 201',
				'GET /otp/:id 401',
				'POST /oauth/token 200',
				'GET /otp/:id 200', // the refused call, sent again with the new token
				'GET /otp/:id 200',
			]);
		});
	});
}

module.exports = { defineOAuthCases, OAUTH_ACTIVATE: ACTIVATE, OAUTH_WEBHOOKS: WEBHOOKS };

// Many items at once: output order and pairing follow the input whatever finishes first, the rate limit
// is paced instead of failing items, and nothing is lost or sent twice.
const { useSandbox, sendParams } = require('./helpers');

const sandbox = useSandbox();

describe('bulk runs', () => {
	test('output order and pairedItem follow the input, with several items in flight', async () => {
		sandbox.sx.configure({ latencyMs: 15 });
		const phones = Array.from({ length: 30 }, (_, i) => ({ phone: `+3361224${String(6400 + i)}` }));
		const result = await sandbox.run(sendParams('={{ $json.phone }}', {}, { concurrency: 8 }), { items: phones });
		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json.phoneNumber)).toEqual(phones.map((p) => p.phone));
		expect(result.success.map((item) => item.pairedItem.item)).toEqual(phones.map((_, i) => i));
		expect(sandbox.sx.requests({ method: 'POST', path: '/otp' })).toHaveLength(30);
		// more than one request was open at a time
		expect(sandbox.sx.maxConcurrentRequests).toBeGreaterThan(1);
	});

	test('under a rate limit every item succeeds, each sent once, with few 429s', async () => {
		sandbox.sx.configure({ rateLimit: { limit: 5, windowSeconds: 1 } });
		const phones = Array.from({ length: 18 }, (_, i) => ({ phone: `+3361224${6400 + i}` }));
		const result = await sandbox.run(sendParams('={{ $json.phone }}', {}, { concurrency: 5 }), { items: phones });
		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(18);
		const posts = sandbox.sx.requests({ method: 'POST', path: '/otp' });
		const created = posts.filter((r) => r.status === 201);
		const refused = posts.filter((r) => r.status === 429);
		expect(created).toHaveLength(18);
		expect(sandbox.sx.messages).toHaveLength(18);
		// at most one probe per window (18 items / 5 per window = 4 windows), never one per item
		expect(refused.length).toBeLessThanOrEqual(4);
	});

	test('mixed good and bad items with continue on fail: one output item each, in place', async () => {
		const items = [{ phone: '+33612246400' }, { phone: 'x' }, { phone: '+33612246401' }, { phone: '' }, { phone: '+33612246402' }];
		const result = await sandbox.run(sendParams('={{ $json.phone }}', {}, { concurrency: 3 }), {
			items,
			onError: 'continueRegularOutput',
		});
		expect(result.success).toHaveLength(5);
		expect(result.success.map((item) => item.pairedItem.item)).toEqual([0, 1, 2, 3, 4]);
		expect(result.success.map((item) => Boolean(item.json.error))).toEqual([false, true, false, true, false]);
	});
});

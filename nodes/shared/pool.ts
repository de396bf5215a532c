/**
 * Runs work(0) … work(count - 1) with at most `limit` running at once, in index order of starting.
 * Stops starting new ones once shouldStop() says so; the ones already running finish.
 */
export async function forEachConcurrently(
	count: number,
	limit: number,
	work: (index: number) => Promise<void>,
	shouldStop: () => boolean,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count && !shouldStop()) {
			const index = next++;
			await work(index);
		}
	};
	const workers = Math.max(1, Math.min(limit, count));
	await Promise.all(Array.from({ length: workers }, worker));
}

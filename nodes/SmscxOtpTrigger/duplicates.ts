import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** How many otpId + status keys are remembered, per trigger node. */
export const MAX_REMEMBERED = 1000;

const MAX_NODES_IN_PROCESS = 100;

/**
 * A key is a hash of [otpId, status], so its size does not depend on what the callback carried: 1000 keys are
 * about 20 kB of static data whatever the otpIds. JSON.stringify keeps the two fields apart ("a:VERIFIED" + "X"
 * is not "a" + "VERIFIED:X"). 96 bits: a false duplicate among 1000 keys has odds of about 1 in 10^23.
 */
export const callbackKey = (entry: IDataObject): string =>
	createHash('sha256')
		.update(JSON.stringify([String(entry.otpId), String(entry.status)]), 'utf8')
		.digest('base64url')
		.slice(0, 16);

const KEY_SHAPE = /^[A-Za-z0-9_-]{16}$/;

/**
 * n8n loads a fresh copy of the workflow's static data for every production callback and saves it after
 * answering, so two copies of one callback that arrive together would both miss each other there. This memory
 * is shared by all callbacks that reach this n8n process, and closes that window. Bounded: the last
 * MAX_REMEMBERED keys for each of the last MAX_NODES_IN_PROCESS trigger nodes.
 */
const inProcess = new Map<string, string[]>();

const lastKeys = (keys: string[]): string[] => Array.from(new Set(keys)).slice(-MAX_REMEMBERED);

/** Saved keys; anything else (hand-edited or unbounded data) is dropped rather than carried on. */
function storedKeys(staticData: IDataObject): string[] {
	const saved = staticData.seenCallbacks;
	if (!Array.isArray(saved)) return [];
	return saved.filter((key): key is string => typeof key === 'string' && KEY_SHAPE.test(key)).slice(-MAX_REMEMBERED);
}

/**
 * Drops entries whose otpId + status was seen before (in this batch, in the static data saved with the workflow,
 * or by this process), and remembers the new ones in both places. Synchronous on purpose: no other callback can
 * run between the look-up and the update.
 *
 * @param staticData `getWorkflowStaticData('node')`; only written when there is something new to remember
 * @param scope      identifies the trigger node within this process (workflow id + node id)
 */
export function dropDuplicates(entries: IDataObject[], staticData: IDataObject, scope: string): IDataObject[] {
	const stored = storedKeys(staticData);
	const recent = inProcess.get(scope) ?? [];
	const seen = new Set([...stored, ...recent]);

	const fresh: IDataObject[] = [];
	const added: string[] = [];
	for (const entry of entries) {
		const key = callbackKey(entry);
		if (seen.has(key)) continue;
		seen.add(key);
		added.push(key);
		fresh.push(entry);
	}
	if (added.length === 0) return fresh;

	// Static data is saved whole (last writer wins), so it also takes what this process saw meanwhile.
	staticData.seenCallbacks = lastKeys([...stored, ...recent, ...added]);
	inProcess.delete(scope);
	inProcess.set(scope, lastKeys([...recent, ...added]));
	if (inProcess.size > MAX_NODES_IN_PROCESS) inProcess.delete(inProcess.keys().next().value as string);
	return fresh;
}

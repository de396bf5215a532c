import { createHash, timingSafeEqual } from 'crypto';

/**
 * Whether the callback URL's `token` query value equals the webhook secret. Both sides are hashed first, so
 * timingSafeEqual always compares two equal-length digests and the time taken says nothing about the secret,
 * not even its length. A repeated `?token=a&token=b` arrives as an array and never matches.
 */
export function tokenMatches(given: unknown, secret: string): boolean {
	if (typeof given !== 'string' || given === '' || secret === '') return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(given), digest(secret));
}

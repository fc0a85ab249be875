import { createHash } from 'node:crypto';
import { leadingZeroBits } from './zero-bits.js';

export { leadingZeroBits };

/**
 * Proof of work for joining: find a nonce such that sha256(challenge + ':' + nonce)
 * starts with `difficulty` zero bits. Each extra bit doubles the expected work;
 * 18 bits is about a second of hashing on a mid-range phone.
 */
export const powHash = (challenge: string, nonce: string): Buffer => createHash('sha256').update(`${challenge}:${nonce}`).digest();

export const isSolved = (challenge: string, nonce: string, difficulty: number): boolean => leadingZeroBits(powHash(challenge, nonce)) >= difficulty;

/** What a client does (here for tests, the simulator and documentation). */
export function solve(challenge: string, difficulty: number): string {
  for (let n = 0; ; n++) if (isSolved(challenge, String(n), difficulty)) return String(n);
}

import { sha256 } from '@noble/hashes/sha2.js';
import { leadingZeroBits } from '../../src/queue/zero-bits.js';

/**
 * Finds a nonce so that sha256(challenge + ":" + nonce) starts with `difficulty` zero bits:
 * the small piece of work that makes joining the line cost a bot as much as a person. Runs in
 * slices so the page stays responsive and can show progress (expected work: 2^difficulty hashes).
 */
export async function solve(challenge: string, difficulty: number, progress: (fraction: number) => void): Promise<string> {
  const encoder = new TextEncoder();
  const expected = 2 ** difficulty;
  const prefix = encoder.encode(`${challenge}:`);
  const buffer = new Uint8Array(prefix.length + 20);
  buffer.set(prefix);
  for (let nonce = 0; ;) {
    const sliceEnd = nonce + 4096;
    for (; nonce < sliceEnd; nonce++) {
      const digits = encoder.encodeInto(String(nonce), buffer.subarray(prefix.length)).written;
      if (leadingZeroBits(sha256(buffer.subarray(0, prefix.length + digits))) >= difficulty) return String(nonce);
    }
    // Progress against the expected work; it can pass 100 % for an unlucky challenge, so it is capped.
    progress(Math.min(0.99, 1 - Math.exp(-nonce / expected)));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/**
 * How many zero bits a hash starts with: the measure of the join puzzle's work. Kept free of Node
 * imports, because the browser app (web/src/pow.ts) counts with the same function.
 */
export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

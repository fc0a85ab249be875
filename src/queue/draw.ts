import { createHash, createHmac } from 'node:crypto';

/**
 * The verifiable draw of a pre-queue, as README.md tells anyone to check it. The seed is 32
 * random bytes, published as lower-case hex: `seedHash` (public from the start) is the SHA-256 of
 * that hex text, so `printf %s "$seed" | sha256sum` shows it; a ticket's draw is HMAC-SHA256 with
 * the seed's bytes (the hex, decoded) as key over the ticket id, and the pre-queue is placed in
 * ascending order of the draws (as hex).
 */
export const seedHashOf = (seed: Buffer): string => createHash('sha256').update(seed.toString('hex')).digest('hex');

export const drawOf = (seed: Buffer, ticketId: string): string => createHmac('sha256', seed).update(ticketId).digest('hex');

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { run, type Queryable } from '../db/pool.js';
import * as sql from './repo.js';

interface Key {
  kid: number;
  secret: Buffer;
}

/** How often a node re-reads the key ring, so a rotation reaches every node. */
const KEY_REFRESH_MS = 10_000;

/**
 * Tokens verified lately, remembered so that a person polling every few seconds costs a map
 * look-up instead of an HMAC. Bounded: two generations of half this many each, the older
 * dropped whole when the newer fills (a token used again moves to the newer one). An entry
 * counts only while its key is still in the ring, so retiring a key stops its tokens at once.
 */
const REMEMBERED_TOKENS = 20_000;

type Verified = { kid: number; payload: unknown };

/**
 * Signs and verifies the waiting room's tokens: `<kid>.<payload>.<mac>`, HMAC-SHA256
 * over the payload with the key named by kid. Keys live in the database (signing_keys),
 * so every node signs and verifies alike; the newest signs, every unretired key verifies.
 */
export class KeyRing {
  private keys: Key[] = [];
  private loadedAt = 0;
  private recent = new Map<string, Verified>();
  private older = new Map<string, Verified>();

  constructor(private readonly db: Queryable) {}

  async start(): Promise<void> {
    await run(this.db, sql.ensureSigningKey(randomBytes(32)));
    await this.load();
  }

  async load(): Promise<void> {
    const res = await run<Key>(this.db, sql.liveSigningKeys());
    this.keys = res.rows;
    this.loadedAt = Date.now();
  }

  sign(payload: object): string {
    if (Date.now() - this.loadedAt > KEY_REFRESH_MS) void this.load().catch(() => undefined);
    const key = this.keys[0];
    if (!key) throw new Error('no signing key loaded');
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${key.kid}.${body}.${mac(key.secret, body)}`;
  }

  /**
   * The payload of a token this ring signed, or undefined for anything forged, malformed or retired. Callers must not
   * change it. A token used once (a join's challenge) is not remembered: it would only push out the tickets polled again.
   */
  async verify<T>(token: string, options: { once?: boolean } = {}): Promise<T | undefined> {
    const known = this.recent.get(token) ?? this.older.get(token);
    if (known && this.keys.some((k) => k.kid === known.kid)) {
      if (!this.recent.has(token)) this.remember(token, known);
      return known.payload as T;
    }
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [kidText, body, given] = parts as [string, string, string];
    const kid = Number(kidText);
    let key = this.keys.find((k) => k.kid === kid);
    if (!key && Number.isInteger(kid) && kid > (this.keys[0]?.kid ?? 0)) {
      await this.load(); // signed by a key rotated in on another node moments ago
      key = this.keys.find((k) => k.kid === kid);
    }
    if (!key) return undefined;
    const expected = Buffer.from(mac(key.secret, body));
    const actual = Buffer.from(given);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    let payload: T;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as T;
    } catch {
      return undefined;
    }
    if (!options.once) this.remember(token, { kid, payload });
    return payload;
  }

  private remember(token: string, verified: Verified): void {
    if (this.recent.size >= REMEMBERED_TOKENS / 2) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(token, verified);
  }
}

const mac = (secret: Buffer, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

export const rotateKey = (db: Queryable) => run<{ kid: number }>(db, sql.addSigningKey(randomBytes(32)));

export const retireKey = (db: Queryable, kid: number) => run(db, sql.retireSigningKey(kid));

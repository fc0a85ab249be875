-- Up Migration

-- seedHash is the SHA-256 of the seed as it is published (lower-case hex text), so that the check
-- README.md gives (`printf %s "$seed" | sha256sum`) works as written; it was over the raw bytes.
-- Rooms already drawn keep the hash they published.
UPDATE waiting_rooms SET seed_hash = encode(sha256(convert_to(encode(seed, 'hex'), 'UTF8')), 'hex') WHERE NOT seed_revealed;

-- Down Migration
UPDATE waiting_rooms SET seed_hash = encode(sha256(seed), 'hex') WHERE NOT seed_revealed;

-- Up Migration

-- The wait list of a campaign: one entry per person, in order of priority group, then join time.
CREATE TABLE waitlist_entries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id     bigint NOT NULL REFERENCES campaigns,
  secret_hash     bytea NOT NULL,            -- the entry's manage link carries the secret
  identity_hash   bytea NOT NULL,
  first_name      text NOT NULL,
  last_name       text NOT NULL,
  date_of_birth   date NOT NULL,
  postal_code     text NOT NULL,
  email           text,
  phone           text,
  locale          text NOT NULL DEFAULT 'de' CHECK (locale IN ('de', 'en')),
  priority_group  text,
  priority        smallint NOT NULL DEFAULT 1,  -- 0: a priority group of the campaign, 1: everyone else
  lat             double precision NOT NULL,
  lon             double precision NOT NULL,
  max_distance_km real,
  center_ids      bigint[],
  earliest        date,
  latest          date,
  weekdays        integer[],
  state           text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'offered', 'booked', 'left')),
  missed_offers   integer NOT NULL DEFAULT 0,
  joined_at       timestamptz NOT NULL DEFAULT now(),
  channel         text NOT NULL DEFAULT 'web'
);
CREATE UNIQUE INDEX one_waitlist_entry_per_person ON waitlist_entries (campaign_id, identity_hash) WHERE state IN ('waiting', 'offered');
CREATE INDEX waitlist_line ON waitlist_entries (campaign_id, priority, joined_at, id) WHERE state = 'waiting';

-- An offer is a hold reserved for one entry: capacity taken by the same statement as any hold,
-- so offers can never exceed what is free. Its deadline is the hold's expiry.
CREATE TABLE waitlist_offers (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  entry_id    bigint NOT NULL REFERENCES waitlist_entries,
  hold_id     uuid NOT NULL UNIQUE REFERENCES holds,
  slot_id     bigint NOT NULL REFERENCES slots,
  secret_hash bytea NOT NULL,
  state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'declined', 'expired')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  decided_at  timestamptz
);
CREATE UNIQUE INDEX one_open_offer_per_entry ON waitlist_offers (entry_id) WHERE state = 'open';
CREATE INDEX waitlist_offers_entry ON waitlist_offers (entry_id);

-- Release policy: a share of each first-dose slot is kept for the wait list until waitlist_until.
ALTER TABLE slots ADD COLUMN reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0);
ALTER TABLE releases ADD COLUMN waitlist_until timestamptz;

-- Down Migration
ALTER TABLE releases DROP COLUMN waitlist_until;
ALTER TABLE slots DROP COLUMN reserved;
DROP TABLE waitlist_offers, waitlist_entries;

-- Up Migration

-- Secrets and other values that every node must share (generated once, on first start).
CREATE TABLE settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE centers (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  address     text NOT NULL CHECK (length(address) BETWEEN 1 AND 300),
  postal_code text NOT NULL CHECK (postal_code ~ '^[0-9]{5}$'),
  district    text NOT NULL CHECK (length(district) BETWEEN 1 AND 100),
  lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon         double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  time_zone   text NOT NULL DEFAULT 'Europe/Berlin',
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Which postal codes belong to a district, for campaigns limited to some districts.
-- Filled by the admin API or the campaign loader; a centre's own postal code is added
-- to its district when the centre is created.
CREATE TABLE districts (
  name         text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  postal_codes text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX districts_postal_codes ON districts USING gin (postal_codes);

CREATE TABLE vaccines (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  doses             smallint NOT NULL CHECK (doses IN (1, 2)),
  min_interval_days integer,
  max_interval_days integer,
  CONSTRAINT vaccine_interval CHECK (
    (doses = 1 AND min_interval_days IS NULL AND max_interval_days IS NULL)
    OR (doses = 2 AND min_interval_days >= 1 AND max_interval_days >= min_interval_days)
  ),
  CONSTRAINT vaccine_unique UNIQUE NULLS NOT DISTINCT (name, doses, min_interval_days, max_interval_days)
);

CREATE TABLE campaigns (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  vaccine_id      bigint NOT NULL REFERENCES vaccines,
  min_age         integer CHECK (min_age BETWEEN 0 AND 150),
  max_age         integer CHECK (max_age BETWEEN 0 AND 150),
  districts       text[],          -- NULL: any district
  priority_groups text[],          -- NULL: no priority groups
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (min_age IS NULL OR max_age IS NULL OR min_age <= max_age)
);

-- A release makes a set of slots visible and bookable at one instant. The database
-- clock decides: every statement that takes capacity compares opens_at with now().
CREATE TABLE releases (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id  bigint NOT NULL REFERENCES campaigns,
  opens_at     timestamptz NOT NULL,
  waiting_room boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per bookable unit pool. `taken` counts live holds plus active bookings;
-- the CHECK is the last line of defence against overbooking: no statement, however
-- it races, can commit taken > capacity.
CREATE TABLE slots (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  center_id        bigint NOT NULL REFERENCES centers,
  campaign_id      bigint NOT NULL REFERENCES campaigns,
  release_id       bigint REFERENCES releases,
  dose             smallint NOT NULL CHECK (dose IN (1, 2)),
  starts_at        timestamptz NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
  capacity         integer NOT NULL CHECK (capacity BETWEEN 0 AND 100000),
  taken            integer NOT NULL DEFAULT 0,
  CONSTRAINT slot_not_overbooked CHECK (taken >= 0 AND taken <= capacity)
);
CREATE INDEX slots_pairing ON slots (center_id, campaign_id, dose, starts_at);
CREATE INDEX slots_release ON slots (release_id);

-- A hold is capacity taken for a few minutes while a person enters their details.
CREATE TABLE holds (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id    bigint NOT NULL REFERENCES campaigns,
  slot_id        bigint NOT NULL REFERENCES slots,
  second_slot_id bigint REFERENCES slots,
  status         text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'confirmed', 'expired')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL
);
CREATE INDEX holds_live_by_expiry ON holds (expires_at) WHERE status = 'held';

CREATE TABLE bookings (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code           text NOT NULL UNIQUE CHECK (code ~ '^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$'),
  campaign_id    bigint NOT NULL REFERENCES campaigns,
  slot_id        bigint NOT NULL REFERENCES slots,
  second_slot_id bigint REFERENCES slots,
  hold_id        uuid UNIQUE REFERENCES holds,
  identity_hash  bytea NOT NULL,
  first_name     text NOT NULL,
  last_name      text NOT NULL,
  date_of_birth  date NOT NULL,
  postal_code    text NOT NULL,
  email          text,
  phone          text,
  priority_group text,
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  cancelled_at   timestamptz
);
-- One active booking per person and campaign: the database, not the app, decides.
CREATE UNIQUE INDEX one_active_booking_per_person ON bookings (campaign_id, identity_hash) WHERE status = 'active';
CREATE INDEX bookings_slot ON bookings (slot_id);
CREATE INDEX bookings_second_slot ON bookings (second_slot_id);

-- A retried POST with the same Idempotency-Key gets the first answer back. The key is
-- inserted in the same transaction as the change it guards, so both exist or neither.
CREATE TABLE idempotency_keys (
  scope           text NOT NULL,
  key             text NOT NULL,
  request_hash    text NOT NULL,
  response_status integer,
  response_body   jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

-- Down Migration
DROP TABLE idempotency_keys, bookings, holds, slots, releases, campaigns, vaccines, districts, centers, settings;

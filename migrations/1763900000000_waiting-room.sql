-- Up Migration

-- Keys that sign queue tickets and admission tokens. The newest live key signs; every
-- key not retired still verifies, so a key can be rotated without invalidating the line.
CREATE TABLE signing_keys (
  kid        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  secret     bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

-- One waiting room per release that asks for one.
CREATE TABLE waiting_rooms (
  release_id                bigint PRIMARY KEY REFERENCES releases,
  state                     text NOT NULL DEFAULT 'scheduled'
                            CHECK (state IN ('scheduled', 'open', 'paused', 'sold_out', 'closed')),
  prequeue_opens_at         timestamptz NOT NULL,
  -- The shuffle of the pre-queue: sha256(seed) is public from the start, the seed from opening on.
  seed                      bytea NOT NULL,
  seed_hash                 text NOT NULL,
  seed_revealed             boolean NOT NULL DEFAULT false,
  prequeue_count            integer NOT NULL DEFAULT 0,
  live_count                integer NOT NULL DEFAULT 0,
  admitted_total            integer NOT NULL DEFAULT 0,
  target_active             integer NOT NULL DEFAULT 500 CHECK (target_active >= 0),
  max_admissions_per_second real NOT NULL DEFAULT 50 CHECK (max_admissions_per_second >= 0),
  admission_window_seconds  integer NOT NULL DEFAULT 600 CHECK (admission_window_seconds > 0),
  difficulty                integer NOT NULL DEFAULT 18 CHECK (difficulty BETWEEN 0 AND 32),
  hold_p95_limit_ms         integer NOT NULL DEFAULT 1500 CHECK (hold_p95_limit_ms > 0),
  opened_at                 timestamptz,
  sold_out_at               timestamptz,
  updated_at                timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE queue_tickets (
  id                   uuid PRIMARY KEY,
  release_id           bigint NOT NULL REFERENCES waiting_rooms,
  phase                text NOT NULL CHECK (phase IN ('pre', 'live')),
  -- Place in line, dense from 1: the shuffled pre-queue first (set at opening), then arrivals in join order.
  idx                  integer,
  resume_code          text NOT NULL UNIQUE,
  -- A solved join challenge admits one ticket, once.
  challenge_id         text NOT NULL UNIQUE,
  person_hash          bytea,
  state                text NOT NULL DEFAULT 'waiting'
                       CHECK (state IN ('waiting', 'admitted', 'used', 'skipped', 'lapsed', 'dropped', 'left')),
  joined_at            timestamptz NOT NULL DEFAULT now(),
  last_seen_at         timestamptz NOT NULL DEFAULT now(),
  admitted_at          timestamptz,
  admission_expires_at timestamptz,
  changed_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (phase = 'pre' OR idx IS NOT NULL)
);
CREATE UNIQUE INDEX queue_place ON queue_tickets (release_id, idx);
CREATE INDEX queue_waiting_front ON queue_tickets (release_id, idx) WHERE state = 'waiting';
CREATE INDEX queue_changes ON queue_tickets (release_id, changed_at);
CREATE INDEX queue_admitted ON queue_tickets (release_id, admission_expires_at) WHERE state = 'admitted';
-- One place in line per person: binding a second ticket drops the worse one first.
CREATE UNIQUE INDEX queue_one_place_per_person ON queue_tickets (release_id, person_hash)
  WHERE person_hash IS NOT NULL AND state IN ('waiting', 'admitted', 'skipped');

-- A hold made with an admission remembers it; one live hold per admission at a time.
ALTER TABLE holds ADD COLUMN ticket_id uuid REFERENCES queue_tickets;
CREATE UNIQUE INDEX one_live_hold_per_admission ON holds (ticket_id) WHERE status = 'held';

-- What each node measures of its own hold latency, for the admission controller.
CREATE TABLE node_stats (
  node_id     text PRIMARY KEY,
  hold_p95_ms real NOT NULL,
  holds       integer NOT NULL,
  errors      integer NOT NULL,
  reported_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE node_stats;
DROP INDEX one_live_hold_per_admission;
ALTER TABLE holds DROP COLUMN ticket_id;
DROP TABLE queue_tickets, waiting_rooms, signing_keys;

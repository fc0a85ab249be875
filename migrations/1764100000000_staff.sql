-- Up Migration

-- People who run a release: admins set things up, agents book for callers, check-in staff receive people.
CREATE TABLE staff_accounts (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username       text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,40}$'),
  display_name   text NOT NULL,
  role           text NOT NULL CHECK (role IN ('admin', 'agent', 'checkin')),
  center_ids     bigint[],                    -- NULL: every centre
  password_hash  text NOT NULL,               -- scrypt$N$r$p$salt$hash (node:crypto)
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  password_set_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_username ON staff_accounts (username);

-- A session is a random token in an HTTP-only cookie; only its hash is stored. The CSRF token is
-- handed to the console and must come back in a header on every change.
CREATE TABLE staff_sessions (
  token_hash     bytea PRIMARY KEY,
  account_id     bigint NOT NULL REFERENCES staff_accounts ON DELETE CASCADE,
  csrf_token     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL
);
CREATE INDEX staff_sessions_account ON staff_sessions (account_id);

-- Failed logins per username (known or not, so the answer tells nothing about which exist).
CREATE TABLE login_failures (
  username       text PRIMARY KEY,
  failures       integer NOT NULL,
  window_start   timestamptz NOT NULL,
  locked_until   timestamptz
);

-- Long-lived tokens for automation, created and revoked by an admin; only the hash is kept.
CREATE TABLE api_tokens (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name           text NOT NULL,
  token_hash     bytea NOT NULL UNIQUE,
  role           text NOT NULL CHECK (role IN ('admin', 'agent', 'checkin')),
  center_ids     bigint[],
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  last_used_at   timestamptz
);

-- Every staff action: who, what, when, before and after. Written in the action's own transaction.
CREATE TABLE audit_log (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  actor          text NOT NULL,               -- 'staff:<username>', 'token:<name>', 'bootstrap-token'
  action         text NOT NULL,
  target         jsonb,
  before         jsonb,
  after          jsonb,
  address        text
);
CREATE INDEX audit_log_at ON audit_log (at DESC);

-- The phone channel's share: kept out of public (and wait-list) reach until phone_until.
ALTER TABLE slots ADD COLUMN phone_reserved integer NOT NULL DEFAULT 0 CHECK (phone_reserved >= 0);
ALTER TABLE releases ADD COLUMN phone_until timestamptz;

-- How a booking came in, and whether the person came.
ALTER TABLE bookings ADD COLUMN channel text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'phone', 'waitlist'));
ALTER TABLE bookings ADD COLUMN booked_by text;
CREATE TABLE attendance (
  booking_id     bigint NOT NULL REFERENCES bookings,
  dose           smallint NOT NULL CHECK (dose IN (1, 2)),
  state          text NOT NULL CHECK (state IN ('attended', 'no_show')),
  at             timestamptz NOT NULL DEFAULT now(),
  by_actor       text NOT NULL,
  PRIMARY KEY (booking_id, dose)
);

-- Down Migration
DROP TABLE attendance;
ALTER TABLE bookings DROP COLUMN booked_by;
ALTER TABLE bookings DROP COLUMN channel;
ALTER TABLE releases DROP COLUMN phone_until;
ALTER TABLE slots DROP COLUMN phone_reserved;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE login_failures;
DROP TABLE staff_sessions;
DROP TABLE staff_accounts;

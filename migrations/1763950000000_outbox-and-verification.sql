-- Up Migration

-- The outbox: every message is written in the transaction of the change that causes it,
-- so it exists if and only if that change does. Dispatchers on any node claim messages
-- with FOR UPDATE SKIP LOCKED under a lease; a message whose lease ran out (its sender
-- died mid-send) is claimed again, and goes out with the same idempotency key.
CREATE TABLE messages (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key  uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  kind             text NOT NULL CHECK (kind IN ('code', 'confirmation', 'cancellation', 'reminder', 'offer')),
  channel          text NOT NULL CHECK (channel IN ('email', 'sms')),
  -- Lanes: 0 codes, 1 confirmations, cancellations and offers, 2 reminders. Lower goes first.
  priority         smallint NOT NULL CHECK (priority BETWEEN 0 AND 2),
  recipient        text NOT NULL,
  locale           text NOT NULL DEFAULT 'de' CHECK (locale IN ('de', 'en')),
  subject          text NOT NULL,
  body_text        text NOT NULL,
  body_html        text,
  attachments      jsonb NOT NULL DEFAULT '[]',
  booking_id       bigint REFERENCES bookings,
  state            text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
  attempts         integer NOT NULL DEFAULT 0,
  not_before       timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  last_error       text,
  delivered_to     text,             -- 'smtp', 'sms-gateway' or 'mailbox'
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);
CREATE INDEX messages_due ON messages (channel, priority, not_before) WHERE state IN ('queued', 'sending');
CREATE INDEX messages_booking ON messages (booking_id);

-- A shared token bucket per channel, so the provider's rate holds across all nodes.
CREATE TABLE channel_budgets (
  channel    text PRIMARY KEY,
  tokens     real NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One-time codes that verify a phone number or e-mail address. Only the hash is kept;
-- a resend adds a code and leaves the earlier ones valid.
CREATE TABLE verification_codes (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  contact      text NOT NULL,
  code_hash    bytea NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verification_codes_contact ON verification_codes (contact, expires_at);

-- Wrong guesses per contact, for the attempt limit and the cool-down after it.
CREATE TABLE verification_attempts (
  contact      text PRIMARY KEY,
  failures     integer NOT NULL DEFAULT 0,
  window_start timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz
);

CREATE TABLE verified_contacts (
  contact     text PRIMARY KEY,
  verified_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE campaigns ADD COLUMN require_verified_contact boolean NOT NULL DEFAULT false;
ALTER TABLE bookings ADD COLUMN locale text NOT NULL DEFAULT 'de' CHECK (locale IN ('de', 'en'));

-- Down Migration
ALTER TABLE bookings DROP COLUMN locale;
ALTER TABLE campaigns DROP COLUMN require_verified_contact;
DROP TABLE verified_contacts, verification_attempts, verification_codes, channel_budgets, messages;

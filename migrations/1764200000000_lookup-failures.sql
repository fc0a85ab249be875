-- Up Migration

-- Failed booking lookups (code + date of birth), counted per booking code and per client address,
-- so that every node counts the same guesses: a booking's date of birth cannot be found by trying.
CREATE TABLE lookup_failures (
  key               text PRIMARY KEY,             -- 'code:ABCD2345' or 'address:203.0.113.7'
  failures          integer NOT NULL CHECK (failures >= 0),
  max_failures      integer NOT NULL CHECK (max_failures > 0),
  window_started_at timestamptz NOT NULL,
  locked_until      timestamptz
);
CREATE INDEX lookup_failures_window ON lookup_failures (window_started_at);

-- Down Migration
DROP TABLE lookup_failures;

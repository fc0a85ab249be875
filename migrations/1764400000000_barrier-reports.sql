-- Reports of barriers from the accessibility statement's feedback form (BITV 2.0 asks for one),
-- read by staff. The contact is optional and is the only personal data.
CREATE TABLE barrier_reports (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT clock_now(),
  page       text NOT NULL CHECK (length(page) <= 200),
  message    text NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
  contact    text CHECK (length(contact) <= 254),
  state      text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'done')),
  done_at    timestamptz,
  done_by    text
);
CREATE INDEX barrier_reports_by_state ON barrier_reports (state, created_at DESC);

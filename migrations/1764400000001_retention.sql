-- Storage limitation (GDPR art. 5(1)(e)): personal data is erased or reduced once it has served its
-- purpose (src/privacy/retention.ts). The rows stay, so counts for statistics stay; these columns say
-- when a row lost its personal data.
ALTER TABLE bookings ADD COLUMN anonymised_at timestamptz;
ALTER TABLE waitlist_entries ADD COLUMN anonymised_at timestamptz;
ALTER TABLE messages ADD COLUMN erased_at timestamptz;
CREATE INDEX bookings_not_anonymised ON bookings (id) WHERE anonymised_at IS NULL;
CREATE INDEX messages_not_erased ON messages (id) WHERE erased_at IS NULL AND state IN ('sent', 'failed', 'cancelled');

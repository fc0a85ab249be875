-- The live dashboard counts the last 30 minutes' bookings per minute once a second: by this index, not by reading
-- every booking of the day (8.9 ms a reading with 12,000 bookings, growing with each one).
CREATE INDEX bookings_created_at ON bookings (created_at);

-- A centre's zone decides its local days and times everywhere (src/time/zone.ts); an unknown name
-- would fail every query that converts a slot's instant. PostgreSQL raises 22023 for an unknown zone.
ALTER TABLE centers ADD CONSTRAINT centers_time_zone_known
  CHECK (('2000-01-01 00:00+00'::timestamptz AT TIME ZONE time_zone) IS NOT NULL);

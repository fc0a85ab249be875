-- Up Migration

-- The Land a centre lies in (ISO 3166-2:DE without "DE-"): slot series leave out its public holidays.
-- Unknown (null) for centres set up before: they keep skipping the nationwide holidays only.
ALTER TABLE centers ADD COLUMN state text
  CHECK (state IN ('BB', 'BE', 'BW', 'BY', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SH', 'SL', 'SN', 'ST', 'TH'));

-- Down Migration
ALTER TABLE centers DROP COLUMN state;

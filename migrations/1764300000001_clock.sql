-- The application's clock (src/time/clock.ts). In production it is now(). A test moves time forward
-- instead of sleeping: the pool sets `ansturm.clock_offset` on each connection (an interval, e.g.
-- '3600000 milliseconds') and every statement of the application asks clock_now() instead of now().
-- STABLE like now(): one value per statement, usable in index conditions.
CREATE FUNCTION clock_now() RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT now() + coalesce(nullif(current_setting('ansturm.clock_offset', true), ''), '0')::interval $$;

-- Column defaults follow the same clock, so a row written by default compares with clock_now() as it should.
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT table_name, column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND column_default = 'now()'
  LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET DEFAULT clock_now()', c.table_name, c.column_name);
  END LOOP;
END $$;

-- Run on the standby to make it the primary, after the old primary is stopped for good (fenced: powered
-- off, or its PostgreSQL stopped and disabled), never while it may still take writes:
--   sudo -u postgres psql -p 5432 -f promote.sql
-- The nodes find the new primary by themselves (DATABASE_URL names both machines).
SELECT pg_promote(wait => true, wait_seconds => 60);
-- Alone now: commits must not wait for a standby that is not there. Put the list back
-- (ALTER SYSTEM RESET synchronous_standby_names) once the old primary is rebuilt as this one's standby.
ALTER SYSTEM SET synchronous_standby_names = '';
SELECT pg_reload_conf();
SELECT pg_is_in_recovery() AS still_standby;

-- The waiting rooms' changes, read once and shared (issue #15 item 4). Every node keeps each live room in
-- memory (src/queue/view.ts). Reading the changed tickets itself, every node read every join: the database's
-- work grew with nodes x joins. Now one reader, the leader, reads them and writes them as pages; the other
-- nodes read the new pages, one row each, whatever the rush: the database's work grows with the joins.

-- A ticket's version grows with every change the view cares about, in the order the changes were made to
-- that ticket (a second writer waits for the first's row lock; the trigger runs after it), so a node may
-- apply what it learns in any order and keep the newest.
CREATE SEQUENCE queue_ticket_versions;
ALTER TABLE queue_tickets ADD COLUMN version bigint NOT NULL DEFAULT nextval('queue_ticket_versions');

CREATE FUNCTION queue_ticket_versioned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := nextval('queue_ticket_versions');
  RETURN NEW;
END $$;

CREATE TRIGGER queue_ticket_version BEFORE UPDATE ON queue_tickets FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.idx IS DISTINCT FROM NEW.idx
        OR OLD.admission_expires_at IS DISTINCT FROM NEW.admission_expires_at)
  EXECUTE FUNCTION queue_ticket_versioned();

-- One page: the tickets of one room that changed up to `upto` (its changed_at), gzipped JSON
-- (src/queue/pages.ts). Pages are written by one process at a time and read in order of `seq`.
CREATE TABLE queue_change_pages (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  release_id bigint NOT NULL REFERENCES waiting_rooms ON DELETE CASCADE,
  upto       timestamptz NOT NULL,
  entries    integer NOT NULL CHECK (entries > 0),
  written_at timestamptz NOT NULL DEFAULT clock_now(),
  body       bytea NOT NULL
);
-- Already compressed: stored as it is, sent as it is.
ALTER TABLE queue_change_pages ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE INDEX queue_change_pages_room ON queue_change_pages (release_id, seq);

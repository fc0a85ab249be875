-- The free units, read once and shared (issue #15 item 4). Every node keeps the released future slots in memory
-- (src/availability/view.ts) and read every slot's free units itself once a second: the database's work grew with
-- nodes x slots. Now one reader, the leader, reads them and writes what changed as pages; the nodes read the new
-- pages (src/availability/publisher.ts).

-- One page: the leader's read of the free units at `read_at` (the database's own clock), as two parallel arrays.
-- A full page (`follows` null) holds every released future slot; any other page holds the slots whose free units
-- changed since the page it follows, and is written empty when none did, so its `read_at` says how fresh the
-- chain is. Pages are written by one process at a time and read in order of `seq`.
CREATE TABLE availability_pages (
  seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  follows  bigint,
  read_at  timestamptz NOT NULL,
  slot_ids integer[] NOT NULL,
  free     integer[] NOT NULL,
  CHECK (cardinality(slot_ids) = cardinality(free))
);
CREATE INDEX availability_full_pages ON availability_pages (seq) WHERE follows IS NULL;

-- Every accepted event adds an entry to each index of the inbox twice: when it is stored, and
-- when its answer is written (the status moves, so that update is never HOT). The index on
-- (status, received_at) serves no query: retention finds old finished rows by received_at
-- (idx_ingest_inbox_received), the retrier and the parked list use the partial indexes of
-- unfinished and dead rows, and the counts by status read the whole table.
DROP INDEX IF EXISTS "idx_ingest_inbox_status";

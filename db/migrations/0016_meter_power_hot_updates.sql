-- A meter's power is the most written row of a storm (every last gasp and restore). The partial
-- index of meters not "on" made every such UPDATE a new row version in every index of the table,
-- the two GiST indexes included, since its predicate reads power_status. Without it the update
-- can stay on its page (a HOT update: no index touched) when the page has room for the new
-- version. A storm darkens whole points and feeders, whose meters share pages, so half of each
-- page is kept free for that (the table doubles: 45 → 87 MB for 200,000 meters). The pipeline
-- reads a substation's meters from memory (server/repository/stateCache.ts), and on a first load
-- by substation_id: nothing needs the index.
-- Measured 2026-11-30 on copies of a 200,000-meter table, the 5,014 meters of 500 points turned
-- off, on and off again: 96 / 184 / 231 ms with the index, 145 / 145 / 100 ms without it at
-- fillfactor 85 (a quarter of the updates HOT), 47 / 14 / 24 ms at fillfactor 50 (99% HOT).
DROP INDEX IF EXISTS "idx_oms_meters_power_off";--> statement-breakpoint
ALTER TABLE "oms_meters" SET (fillfactor = 50);

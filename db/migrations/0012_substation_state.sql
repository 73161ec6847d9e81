-- The version of each substation's pipeline state (its meters' power, its breakers, its outages):
-- every transaction that takes a substation's lock moves it on (server/ingest/correlateBatch.ts
-- lockSubstations). A process keeps the state of the substations it correlates in memory and
-- uses it only while the version is the one its own last write left (server/repository/stateCache.ts).
-- Versions come from a sequence, which a rolled-back transaction never gives back: a version is
-- never seen twice, so state from a write that did not commit can never pass for current.
CREATE SEQUENCE "oms_substation_state_version";--> statement-breakpoint
CREATE TABLE "oms_substation_state" (
  "substation_id" integer PRIMARY KEY,
  "version" bigint NOT NULL DEFAULT 0
);

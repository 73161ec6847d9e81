-- Which app process correlates each substation when several share this database
-- (server/ingest/leases.ts): a process takes a substation's lease when a signal of it reaches
-- it and the lease is free, expired or already its own, renews its leases every second (they
-- last 5 s) and hands a signal of a substation another live process holds to that process.
-- A process that dies stops renewing: its leases pass to the others within the 5 s.
CREATE TABLE "oms_substation_leases" (
  "substation_id" integer PRIMARY KEY,
  "owner" text NOT NULL,
  "expires_at" timestamp with time zone NOT NULL
);--> statement-breakpoint
CREATE INDEX "idx_oms_substation_leases_owner" ON "oms_substation_leases" ("owner");

import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../db/client";
import { arrayParam } from "../../db/arrays";
import { describeError } from "../errorCauses";

/**
 * How long a substation's lease lasts without being renewed: when a process dies, its
 * substations pass to the others within this (on their next signal or sweep of them).
 */
export const SUBSTATION_LEASE_TTL_MS = 5_000;
/** How often a process renews its leases: five chances before one lapses. */
export const SUBSTATION_LEASE_RENEW_MS = 1_000;

const ttl = sql`clock_timestamp() + ${`${SUBSTATION_LEASE_TTL_MS} milliseconds`}::interval`;

export interface LeaseAnswer {
  /** Substations this process holds now (taken or renewed). */
  mine: Set<number>;
  /** Substations another live process holds, with that process's id. */
  heldBy: Map<number, string>;
}

/**
 * The substations one app process correlates when several share a PostgreSQL database
 * (`oms_substation_leases`, migration 0013). Leases only route signals, so that each
 * substation's state is kept in one process's memory and its lock taken by one process:
 * correctness never depends on them (the substation lock and state version guard every write),
 * so a lease that lapses or is taken meanwhile costs a reload, never a wrong decision.
 */
export class SubstationLeases {
  /** Unique per server instance (two servers in one test process are two owners). */
  readonly id = `proc:${process.pid}:${randomUUID()}`;
  /** Events this process handed to others (committed), and events others handed to it that it took up. */
  readonly counts = { handedOff: 0, takenUp: 0 };
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  /** Logged once per outage of the database, not every second. */
  private failing = false;

  constructor(private readonly db: Db, private readonly log: (m: string) => void = () => {}) {}

  /**
   * Takes the leases of these substations that are free, expired or already this process's
   * (one upsert, in id order so two takers never wait on each other in a cycle), and says who
   * holds the others. Its own short statement, never in the caller's pass: a lease row locked
   * for a whole pass made the renewal, and through it the process's other lanes, wait for that
   * pass (leases route, they never guard a decision: see above).
   */
  async acquire(substationIds: number[]): Promise<LeaseAnswer> {
    const ids = [...new Set(substationIds)].sort((a, b) => a - b);
    if (!ids.length) return { mine: new Set(), heldBy: new Map() };
    const taken = await queryRows<{ id: number }>(this.db, sql`
      INSERT INTO oms_substation_leases (substation_id, owner, expires_at)
      SELECT id, ${this.id}, ${ttl} FROM unnest(${arrayParam(ids, "int4")}) AS t(id) ORDER BY id
      ON CONFLICT (substation_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE oms_substation_leases.owner = EXCLUDED.owner OR oms_substation_leases.expires_at < clock_timestamp()
      RETURNING substation_id AS id`);
    const mine = new Set(taken.map((r) => r.id));
    const rest = ids.filter((id) => !mine.has(id));
    // A fresh statement, so it sees who won a lease this one waited for.
    const held = rest.length ? await queryRows<{ id: number; owner: string }>(this.db, sql`
      SELECT substation_id AS id, owner FROM oms_substation_leases
      WHERE substation_id = ANY(${arrayParam(rest, "int4")}) AND expires_at >= clock_timestamp()`) : [];
    return { mine, heldBy: new Map(held.map((r) => [r.id, r.owner])) };
  }

  /** Keeps this process's leases alive, every SUBSTATION_LEASE_RENEW_MS, until stopped. */
  start() {
    this.timer ??= setInterval(() => {
      this.renewing ??= this.renew()
        .then(() => { this.failing = false; })
        .catch((err) => {
          if (!this.failing) this.log(`substation lease renewal failed (retried every ${SUBSTATION_LEASE_RENEW_MS / 1000} s; leases last ${SUBSTATION_LEASE_TTL_MS / 1000} s): ${describeError(err)}`);
          this.failing = true;
        })
        .finally(() => { this.renewing = undefined; });
    }, SUBSTATION_LEASE_RENEW_MS);
    this.timer.unref();
    return this;
  }

  /** Renews what this process still holds (in id order, as `acquire` locks them). */
  async renew() {
    await this.db.execute(sql`
      UPDATE oms_substation_leases SET expires_at = ${ttl}
      WHERE owner = ${this.id} AND substation_id IN (
        SELECT substation_id FROM oms_substation_leases WHERE owner = ${this.id} ORDER BY substation_id FOR UPDATE)`);
  }

  /** A graceful stop gives the leases up at once: the others take the substations on their next signal. */
  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
    await this.db.execute(sql`DELETE FROM oms_substation_leases WHERE owner = ${this.id}`)
      .catch((err) => this.log(`could not give the substation leases up (they lapse in ${SUBSTATION_LEASE_TTL_MS / 1000} s): ${describeError(err)}`));
  }
}

import { timingSafeEqual } from "node:crypto";
import express, { type Express, type RequestHandler } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "../../db/client";
import { overview } from "../../db/queries/outageDetail";
import { newestStormRow } from "../operations/stormStatus";
import type { Change } from "../realtime/publisher";
import type { IngestAnswer, ItemResult } from "../ingest/service";
import { PUSH_TICK_MS } from "../realtime/hub";
import { APP_VERSION } from "../version";

/** What the gauges read when Prometheus scrapes: the database, the pool, the live connections. */
export interface MetricsSources {
  database: DbHandle;
  socketClients(): number;
  leases?: { counts: { handedOff: number; takenUp: number } };
  now(): Date;
}

const outcomeOf = (r: ItemResult) => (r.duplicate ? "duplicate" : r.status);

/**
 * The Prometheus metrics of one server (its own registry: several servers in one test process
 * do not mix). Counters and histograms are fed as work happens; the state of the network
 * (outages, customers out, storm mode) is read from the database at each scrape.
 */
export function createMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "oms-control-room" });
  // Process memory, CPU, handles, event-loop delay (nodejs_eventloop_lag_*), GC.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const reg = { registers: [registry] };

  new Gauge({ ...reg, name: "oms_build_info", help: "The running version", labelNames: ["version"] }).set({ version: APP_VERSION }, 1);
  const events = new Counter({ ...reg, name: "oms_ingest_events_total", help: "Events received on the ingestion routes, by source and outcome (correlated, recorded, unmatched, rejected, pending, duplicate)", labelNames: ["source", "outcome"] });
  const batchSize = new Histogram({ ...reg, name: "oms_ingest_batch_size", help: "Events per ingestion request", labelNames: ["source"], buckets: [1, 5, 20, 100, 500, 1000, 2500, 5000] });
  const latency = new Histogram({ ...reg, name: "oms_ingest_request_duration_seconds", help: "An ingestion request from its body parsed to its answer: validation, the inbox write and correlation, committed", labelNames: ["source"], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
  const pushLag = new Histogram({ ...reg, name: "oms_push_lag_seconds", help: `From the start of the transaction that made a change to its hand-over to Socket.IO (which emits within ${PUSH_TICK_MS} ms)`, buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
  const postToPush = new Histogram({ ...reg, name: "oms_ingest_post_to_push_seconds", help: "From an ingestion request's events validated to the push of what its correlation pass changed (inbox write and claim, the wait for the next pass, the pass, the commit)", buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
  const lockWait = new Histogram({ ...reg, name: "oms_substation_lock_wait_seconds", help: "How long a correlation pass (or verification sweep) waited for its substations' locks, the version moves included", buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
  const pruned = new Counter({ ...reg, name: "oms_retention_rows_deleted_total", help: "Rows deleted by retention (RETENTION_DAYS_*), by table", labelNames: ["table"] });
  const changes = new Counter({ ...reg, name: "oms_changes_pushed_total", help: "Changes pushed to browsers, by topic", labelNames: ["topic"] });

  let sources: MetricsSources | undefined;
  const attach = (s: MetricsSources) => void (sources = s);
  const gauge = (name: string, help: string, labelNames: string[], read: (g: Gauge) => Promise<void> | void) =>
    new Gauge({ ...reg, name, help, labelNames, async collect() { if (sources) await read(this); } });

  // One query of the control room's overview serves both gauges of a scrape (collected concurrently).
  let shared: { at: number; read: ReturnType<typeof overview> } | undefined;
  const network = () => {
    if (!shared || Date.now() - shared.at > 1000) shared = { at: Date.now(), read: overview(sources!.database.db, sources!.now()) };
    return shared.read;
  };
  gauge("oms_open_outages", "Open outages (detected, confirmed, in progress), by severity", ["severity"], async (g) => {
    for (const [severity, n] of Object.entries((await network()).outages)) g.set({ severity }, n);
  });
  gauge("oms_customers_out", "Customers whose meter is out under a live outage", [], async (g) => g.set((await network()).customersOut));
  gauge("oms_storm_mode", "1 while storm mode is on", [], async (g) => g.set((await newestStormRow(sources!.database.db))?.is_active ? 1 : 0));
  gauge("oms_socketio_clients", "Live Socket.IO connections to this process", [], (g) => g.set(sources!.socketClients()));
  gauge("oms_db_pool_connections", "PostgreSQL pool of this process: total, idle, and requests waiting for a connection", ["state"], (g) => {
    const pool = sources!.database.poolUse?.();
    if (!pool) return;
    g.set({ state: "total" }, pool.total);
    g.set({ state: "idle" }, pool.idle);
    g.set({ state: "waiting" }, pool.waiting);
    g.set({ state: "max" }, pool.max);
  });
  gauge("oms_db_lock_waits", "Lock requests waiting in PostgreSQL right now (pg_locks not granted), all sessions of the database", [], async (g) => {
    if (sources!.database.kind !== "postgres") return g.set(0);
    const [row] = await queryRows<{ n: number }>(sources!.database.db, sql`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE NOT l.granted AND d.datname = current_database()`);
    g.set(Number(row?.n ?? 0));
  });
  gauge("oms_substation_handoffs", "Signals this process handed to the process holding their substation's lease (handed_off) and took up from others (taken_up), since it started", ["direction"], (g) => {
    const counts = sources!.leases?.counts;
    g.set({ direction: "handed_off" }, counts?.handedOff ?? 0);
    g.set({ direction: "taken_up" }, counts?.takenUp ?? 0);
  });

  return {
    registry,
    attach,
    /** One ingestion request's answer. */
    observeIngest(source: string, answer: IngestAnswer, seconds: number) {
      batchSize.observe({ source }, answer.results.length);
      latency.observe({ source }, seconds);
      for (const r of answer.results) events.inc({ source, outcome: outcomeOf(r) });
    },
    /** An ingestion request's post→push lag. */
    observePostToPush(seconds: number) {
      postToPush.observe(seconds);
    },
    /** A correlation pass's wait for its substations' locks. */
    observeLockWait(seconds: number) {
      lockWait.observe(seconds);
    },
    /** A retention pass of this process. */
    observePruned(counts: Partial<Record<string, number>>) {
      for (const [table, n] of Object.entries(counts)) if (n) pruned.inc({ table }, n);
    },
    /** Committed changes handed to the hub. */
    observePush(batch: Change[], now = Date.now()) {
      for (const c of batch) {
        changes.inc({ topic: c.topic });
        const at = Date.parse(c.at);
        if (Number.isFinite(at)) pushLag.observe(Math.max(0, (now - at) / 1000));
      }
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** `GET /metrics`: the text format, for a bearer of METRICS_TOKEN only (compared in constant time). */
export function metricsHandler(metrics: Metrics, token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return async (req, res, next) => {
    try {
      if (expected) {
        const given = Buffer.from(req.get("authorization") ?? "");
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').json({ error: "unauthorized", message: "GET /metrics needs Authorization: Bearer <METRICS_TOKEN>" });
          return;
        }
      }
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  };
}

/** The app of METRICS_PORT: /metrics and nothing else. */
export function metricsOnlyApp(metrics: Metrics): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/metrics", metricsHandler(metrics, undefined));
  app.use((_req, res) => void res.status(404).json({ error: "not_found", message: "Only /metrics is served on METRICS_PORT" }));
  return app;
}

import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, type DbHandle } from "../db/client";
import { seedIfEmpty } from "../db/seed/load";
import { ConfigError, type AppConfig } from "./config";
import { createHttpApp } from "./http/app";
import { warmGlyphs } from "./map/glyphs";
import { BOLD_FONT, REGULAR_FONT } from "./map/fonts";
import { httpServerOptions } from "./http/limits";
import { createRealtime, type Realtime } from "./realtime/hub";
import { createServices } from "./services";
import { startSweeper } from "./ingest/sweeper";
import { startRetrier } from "./ingest/retrier";
import { SubstationLeases } from "./ingest/leases";
import { startHandoffReceiver } from "./ingest/handoff";
import { warmSubstations, type Warmed } from "./ingest/warm";
import { networkIdentities } from "./ingest/networkIdentities";
import { PGLITE_PASS_MAX_SIGNALS } from "./ingest/service";
import { describeError } from "./errorCauses";
import { loadKaifaEventMap } from "./ingest/adapters/kaifaEventMapFile";
import { startStormFeed } from "./demo/stormFeed";
import { issueDemoKeys, provisionDemoIntegrations } from "./demo/demoKeys";
import { provisionDemoUsers, writeDemoCredentials } from "./demo/demoUsers";
import { createAuth, type Auth } from "./auth/auth";
import { countUsers, ensureSupervisor } from "./auth/users";
import { systemActor } from "./context";
import { createMetrics, metricsOnlyApp } from "./observability/metrics";
import { createLogger, type Logger } from "./observability/logger";
import { createReadiness, type Readiness } from "./observability/readiness";
import { startRetention } from "./retention/prune";

const listen = (server: http.Server, port: number, host: string) => new Promise<void>((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, host, () => resolve());
});

export const projectRoot = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

export interface ServerOptions {
  /** Serve the Next.js pages (false for API-only integration tests). */
  pages?: boolean;
  /** Use an already open database instead of opening one from the config. */
  database?: DbHandle;
  /** Close that database on stop (default true); false when another server shares it. */
  closeDatabase?: boolean;
  log?: (message: string) => void;
  /** JSON logs: the access log, request ids (default: stdout at LOG_LEVEL). */
  logger?: Logger;
  /** The clock of the pipeline and its sweeps (a storm replay runs it at the storm's pace). */
  now?: () => Date;
  /**
   * Split the substations with the other processes on the database through leases, handing
   * signals to the process that holds their substation (default: on with PostgreSQL; PGlite has
   * one process). Off only for tests of a second writer that does not take part.
   */
  substationLeases?: boolean;
  /**
   * Finish what was accepted and left unfinished, every RETRY_INTERVAL_MS (default on). Off only
   * for tests that run the retrier's passes themselves and count what each one takes.
   */
  inboxRetrier?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  database: DbHandle;
  realtime: Realtime;
  services: ReturnType<typeof createServices>;
  auth: Auth;
  readiness: Readiness;
  /**
   * Settles when every substation's correlation state is in memory (server/ingest/warm.ts); null
   * when that failed (logged): each pass then loads what it needs, as it would anyway.
   */
  warmed: Promise<Warmed | null>;
  /**
   * The start of a graceful shutdown: /readyz answers 503 from now on while every request is
   * still served, for `ms`, so a load balancer takes this node out first. Then call stop().
   */
  drain(ms: number): Promise<void>;
  /** Stops accepting, lets in-flight requests finish, closes sockets and the database. */
  stop(): Promise<void>;
}

/** Builds the whole application on one port and starts listening. */
export async function startServer(config: AppConfig, options: ServerOptions = {}): Promise<RunningServer> {
  // An embedder that takes the messages itself (tests, benches) gets only errors as JSON lines.
  const logger = options.logger ?? createLogger({ level: options.log ? "error" : config.logLevel, dev: config.dev });
  const log = options.log ?? ((m: string) => logger.info(m));
  const kaifaEventMap = loadKaifaEventMap(config.kaifaEventMapFile);
  const database = options.database ?? (await createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
  }));
  log(`Database: ${database.kind} (${database.location}), migrations applied`);

  try {
    const auth = await createAuth(database.db, {
      secret: config.authSecret, publicUrl: config.publicUrl,
      signInAttemptsPerMinute: config.signInAttemptsPerMinute, sessionHours: config.sessionHours,
    });
    if (config.seedOnEmpty) {
      const seeded = await seedIfEmpty(database.db, { meters: config.seedMeters, log });
      if (seeded) {
        // The made-up keys and passwords go to a file of the owner's, never to the log.
        const texts = [await provisionDemoIntegrations(database.db)];
        const users = (await countUsers(database.db)) === 0;
        if (users) texts.push(await provisionDemoUsers(auth, database.db));
        const file = writeDemoCredentials(config.dataDir, texts.join("\n\n"));
        log(`Demo installation: its integration API keys${users ? " and one user per role with a made-up password" : ""} are in ${file} (readable by you only, shown nowhere else). Delete it once you have changed the passwords.`);
      }
    }
    if (config.bootstrapAdmin) {
      const made = await ensureSupervisor(auth, database.db, systemActor, config.bootstrapAdmin.username, config.bootstrapAdmin.password);
      if (made) log(`Created the supervisor ${made.username} from OMS_ADMIN_USERNAME / OMS_ADMIN_PASSWORD.`);
    }
    if ((await countUsers(database.db)) === 0) {
      log("Nobody can sign in yet: create a supervisor with `npm run admin -- create-user --username <name> --role supervisor`, or set OMS_ADMIN_USERNAME and OMS_ADMIN_PASSWORD.");
    }

    let pageHandler: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | undefined;
    let closeNext: (() => Promise<void>) | undefined;
    if (options.pages !== false) {
      const { default: next } = await import("next");
      const nextApp = next({ dev: config.dev, dir: projectRoot, hostname: config.host, port: config.port });
      await nextApp.prepare();
      const handle = nextApp.getRequestHandler();
      pageHandler = (req, res) => handle(req, res);
      closeNext = () => nextApp.close();
    }

    // Socket.IO must attach to a server created with the app as its handler: it then answers
    // /socket.io/ itself (long-polling included) and hands every other request on. The
    // services get a publisher that forwards to the hub once it exists.
    let hub: Realtime | undefined;
    const metrics = createMetrics();
    const readiness = createReadiness({ db: database.db, redisUrl: config.redisUrl });
    const publish = (changes: Parameters<Realtime["publish"]>[0]) => {
      metrics.observePush(changes);
      hub?.publish(changes);
    };
    const services = createServices(database.db, { publish }, kaifaEventMap, options.now, config.timeZone);
    const httpServer = http.createServer(httpServerOptions(config.http), createHttpApp({
      context: { db: database.db, config, auth, publisher: services.publisher, disconnectUser: (id) => hub?.disconnectUser(id) },
      services, auth, pageHandler, metrics, logger, readiness,
    }));
    const realtime = (hub = await createRealtime(httpServer, database.db, auth, config.redisUrl));
    // Several processes on one PostgreSQL split the substations (server/ingest/leases.ts).
    const leases = database.kind === "postgres" && options.substationLeases !== false ? new SubstationLeases(database.db, log).start() : undefined;
    services.ingest.leases = leases;
    // Correlation passes at once: PostgreSQL's connections work in parallel, PGlite's one session does not.
    services.ingest.lanes = config.ingestLanes ?? (database.kind === "postgres" ? 2 : 1);
    if (database.kind === "pglite") services.ingest.passMaxSignals = PGLITE_PASS_MAX_SIGNALS;
    services.ingest.observeLockWait = (seconds) => metrics.observeLockWait(seconds);
    services.ingest.observePostToPush = (seconds) => metrics.observePostToPush(seconds);
    metrics.attach({ database, socketClients: () => realtime.io.engine.clientsCount, leases, now: options.now ?? (() => new Date()) });
    const handoff = leases ? startHandoffReceiver(services.ingest, leases, database.connectionString, log) : undefined;
    const sweeper = startSweeper(services.ingest, log);
    // What was accepted but left unfinished (a crash, a lost database) is finished here.
    const retrier = options.inboxRetrier === false ? undefined : startRetrier(services.ingest, log);
    // Change log, inbox, rejections and raw events past their RETENTION_DAYS_* (one process at a time).
    const retention = startRetention(database.db, config.retention, options.now ?? (() => new Date()), log, metrics.observePruned);

    await listen(httpServer, config.port, config.host);
    // The substations' state, loaded now rather than by the first signals of each (a restart in a storm).
    let stopped = false;
    const warmed: Promise<Warmed | null> = warmSubstations(database.db, { topology: services.ingest.topology, state: services.ingest.state!, identities: networkIdentities }, { leaseOwner: leases?.id, stopped: () => stopped })
      .then((w) => {
        if (w.substations) log(`Correlation state in memory: ${w.substations} substation${w.substations === 1 ? "" : "s"}, ${w.meters} meters, in ${w.seconds.toFixed(1)} s.`);
        return w;
      })
      .catch((err) => {
        if (!stopped) log(`Loading the correlation state ahead failed (each substation is loaded by its first signals instead): ${describeError(err)}`);
        return null;
      });
    // The map's labels: make the glyphs a control room asks for first before anyone opens it.
    const stopWarming = pageHandler ? warmGlyphs([REGULAR_FONT, BOLD_FONT]) : undefined;
    // METRICS_PORT: /metrics alone on a port of its own, without a token (keep that port private).
    const metricsServer = config.metricsPort ? http.createServer(metricsOnlyApp(metrics)) : undefined;
    if (metricsServer) {
      await listen(metricsServer, config.metricsPort!, config.metricsHost).catch((err: NodeJS.ErrnoException) => {
        httpServer.close();
        throw new ConfigError([`METRICS_PORT ${config.metricsPort} on METRICS_HOST ${config.metricsHost}: ${err.code === "EADDRINUSE" ? "the port is already in use" : err.message}`]);
      });
    }
    const port = (httpServer.address() as AddressInfo).port;
    const feed = config.demoFeed
      ? startStormFeed({ baseUrl: `http://127.0.0.1:${port}`, db: database.db, keys: await issueDemoKeys(database.db), intensity: config.demoFeedIntensity, log })
      : null;
    const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;

    let stopping: Promise<void> | undefined;
    const drain = async (ms: number) => {
      readiness.markShuttingDown();
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    };
    const stop = () => (stopping ??= (async () => {
      readiness.markShuttingDown();
      stopped = true;
      sweeper.stop();
      stopWarming?.();
      await handoff?.stop();
      await retrier?.stop();
      await retention.stop();
      await feed?.stop();
      metricsServer?.close();
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await realtime.close();
      httpServer.closeIdleConnections();
      await closed;
      await closeNext?.();
      // After the last request: the others take the substations on their next signal.
      await leases?.stop();
      await warmed;
      services.release();
      await readiness.close();
      if (options.closeDatabase !== false) await database.close();
    })());

    return { url: `http://${shownHost}:${port}`, port, database, realtime, services, auth, readiness, warmed, drain, stop };
  } catch (err) {
    if (!options.database) await database.close();
    throw err;
  }
}

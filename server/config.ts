import { z } from "zod";

const optionalString = z.string().trim().transform((v) => (v === "" ? undefined : v)).optional();

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
  ),
  DATA_DIR: z.string().trim().min(1).default(".data"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  INGEST_LANES: optionalString.pipe(z.string().regex(/^([1-9]|1[0-6])$/, "must be a whole number from 1 to 16").transform(Number).optional()),
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL").optional()),
  MAP_STYLE_URL: optionalString.pipe(z.url({ message: "must be an http(s) URL of a MapLibre style" }).optional()),
  UTILITY_TIME_ZONE: z.string().trim().default("Asia/Amman").refine(isTimeZone, "must be an IANA time zone such as Asia/Amman"),
  SEED_ON_EMPTY: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
  SEED_METERS: z.coerce.number().int().min(10).max(2_000_000).default(20_000),
  KAIFA_EVENT_MAP_FILE: optionalString,
  DEMO_FEED: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  DEMO_FEED_INTENSITY: z.coerce.number().min(0.1).max(120).default(4),
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -base64 32`)").optional()),
  PUBLIC_URL: optionalString.pipe(z.url({ message: "must be the http(s) address people open, e.g. https://oms.example.com" }).optional()),
  OMS_ADMIN_USERNAME: optionalString.pipe(z.string().regex(/^[A-Za-z0-9._-]{2,40}$/, "2–40 letters, digits, dot, dash or underscore").optional()),
  OMS_ADMIN_PASSWORD: optionalString.pipe(z.string().min(10, "must be at least 10 characters").optional()),
  SIGNIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  SESSION_HOURS: z.coerce.number().min(0.1).max(24 * 30).default(12),
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(10),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(5),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { message: "must be one of fatal, error, warn, info, debug, trace, silent" }).optional(),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters (e.g. `openssl rand -hex 24`)").optional()),
  METRICS_PORT: optionalString.pipe(z.string().regex(/^\d+$/, "must be a port number from 1 to 65535").transform(Number).pipe(z.number().int().min(1, "must be a port number from 1 to 65535").max(65535, "must be a port number from 1 to 65535")).optional()),
  METRICS_HOST: z.string().trim().min(1).default("127.0.0.1"),
  SHUTDOWN_DRAIN_SECONDS: optionalString.pipe(z.string().regex(/^\d+(\.\d+)?$/, "must be a number of seconds from 0 to 300").transform(Number).pipe(z.number().max(300, "must be a number of seconds from 0 to 300")).optional()),
  RETENTION_DAYS_CHANGE_LOG: z.coerce.number().min(0).max(36_500).default(30),
  RETENTION_DAYS_INBOX: z.coerce.number().min(0).max(36_500).default(90),
  RETENTION_DAYS_REJECTIONS: z.coerce.number().min(0).max(36_500).default(90),
  RETENTION_DAYS_RAW_EVENTS: z.coerce.number().min(0).max(36_500).default(365),
  RETENTION_INTERVAL_MINUTES: z.coerce.number().min(1).max(7 * 24 * 60).default(60),
  RETENTION_BATCH_ROWS: z.coerce.number().int().min(10).max(100_000).default(1000),
}).refine((c) => c.HTTP_HEADERS_TIMEOUT_SECONDS <= c.HTTP_REQUEST_TIMEOUT_SECONDS, {
  path: ["HTTP_HEADERS_TIMEOUT_SECONDS"], message: "must not be longer than HTTP_REQUEST_TIMEOUT_SECONDS (headers are part of the request)",
}).refine((c) => !c.OMS_ADMIN_USERNAME === !c.OMS_ADMIN_PASSWORD, {
  path: ["OMS_ADMIN_PASSWORD"], message: "OMS_ADMIN_USERNAME and OMS_ADMIN_PASSWORD go together: set both or neither",
});

/** Never echoed back in an error. */
const SECRET_VARIABLES = new Set(["AUTH_SECRET", "OMS_ADMIN_PASSWORD", "DATABASE_URL", "METRICS_TOKEN"]);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type AppConfig = {
  port: number;
  host: string;
  dev: boolean;
  databaseUrl?: string;
  dataDir: string;
  dbPoolSize: number;
  /** Correlation passes that may run at once (INGEST_LANES; unset: 2 on PostgreSQL, 1 on PGlite). */
  ingestLanes?: number;
  redisUrl?: string;
  mapStyleUrl?: string;
  timeZone: string;
  seedOnEmpty: boolean;
  seedMeters: number;
  kaifaEventMapFile?: string;
  /** Post a live storm through the real ingestion routes (demo). */
  demoFeed: boolean;
  demoFeedIntensity: number;
  authSecret?: string;
  publicUrl?: string;
  /** The first supervisor, created at start when missing. */
  bootstrapAdmin?: { username: string; password: string };
  signInAttemptsPerMinute: number;
  sessionHours: number;
  /** Slow clients are dropped: headers, and the whole request, must arrive within these. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };
  /** pino's level; default info (debug in development). */
  logLevel: string;
  /** GET /metrics on the main port needs `Authorization: Bearer <token>`; without a token it answers 404 there. */
  metricsToken?: string;
  /** /metrics also (without a token) on a port of its own, for a scraper on a private network. */
  metricsPort?: number;
  metricsHost: string;
  /** After SIGTERM, /readyz answers 503 this long while requests are still served, then the server stops. */
  shutdownDrainMs: number;
  /** Days a row is kept (0 = for ever); see server/retention/prune.ts. */
  retention: { changeLogDays: number; inboxDays: number; rejectionsDays: number; rawEventsDays: number; intervalMs: number; batchRows: number };
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0]);
        const got = SECRET_VARIABLES.has(name) ? (env[name] ? "(value hidden)" : "(unset)") : JSON.stringify(env[name]);
        return `${name}: ${i.message} (got ${got})`;
      }),
    );
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dev: c.NODE_ENV === "development",
    databaseUrl: c.DATABASE_URL,
    dataDir: c.DATA_DIR,
    dbPoolSize: c.DB_POOL_SIZE,
    ingestLanes: c.INGEST_LANES,
    redisUrl: c.REDIS_URL,
    mapStyleUrl: c.MAP_STYLE_URL,
    timeZone: c.UTILITY_TIME_ZONE,
    seedOnEmpty: c.SEED_ON_EMPTY,
    seedMeters: c.SEED_METERS,
    kaifaEventMapFile: c.KAIFA_EVENT_MAP_FILE,
    demoFeed: c.DEMO_FEED,
    demoFeedIntensity: c.DEMO_FEED_INTENSITY,
    authSecret: c.AUTH_SECRET,
    publicUrl: c.PUBLIC_URL,
    bootstrapAdmin: c.OMS_ADMIN_USERNAME && c.OMS_ADMIN_PASSWORD ? { username: c.OMS_ADMIN_USERNAME, password: c.OMS_ADMIN_PASSWORD } : undefined,
    signInAttemptsPerMinute: c.SIGNIN_ATTEMPTS_PER_MINUTE,
    sessionHours: c.SESSION_HOURS,
    http: {
      headersTimeoutMs: Math.round(c.HTTP_HEADERS_TIMEOUT_SECONDS * 1000),
      requestTimeoutMs: Math.round(c.HTTP_REQUEST_TIMEOUT_SECONDS * 1000),
      keepAliveTimeoutMs: Math.round(c.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000),
    },
    logLevel: c.LOG_LEVEL ?? (c.NODE_ENV === "development" ? "debug" : "info"),
    metricsToken: c.METRICS_TOKEN,
    metricsPort: c.METRICS_PORT,
    metricsHost: c.METRICS_HOST,
    // A restart of `npm run dev` (every saved file) need not wait for a load balancer.
    shutdownDrainMs: Math.round((c.SHUTDOWN_DRAIN_SECONDS ?? (c.NODE_ENV === "development" ? 0 : 5)) * 1000),
    retention: {
      changeLogDays: c.RETENTION_DAYS_CHANGE_LOG, inboxDays: c.RETENTION_DAYS_INBOX, rejectionsDays: c.RETENTION_DAYS_REJECTIONS,
      rawEventsDays: c.RETENTION_DAYS_RAW_EVENTS, intervalMs: Math.round(c.RETENTION_INTERVAL_MINUTES * 60_000), batchRows: c.RETENTION_BATCH_ROWS,
    },
  };
}

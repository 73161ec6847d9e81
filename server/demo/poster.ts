import type { DemoRoute } from "./payloads";

export interface PosterOptions {
  baseUrl: string;
  /** The API key for each route (each key is scoped to one source). */
  keys?: Partial<Record<DemoRoute, string>>;
  log: (message: string) => void;
  now: () => Date;
  /** A post that takes longer is abandoned (so stop() never hangs on a stuck server). */
  timeoutMs?: number;
}

/** Reports problems at most once a minute, counting what it held back. */
export function createThrottledReporter(log: (message: string) => void, now: () => Date, everyMs = 60_000) {
  let lastAt: number | undefined;
  let heldBack = 0;
  return (message: string) => {
    const t = now().getTime();
    if (lastAt !== undefined && t - lastAt < everyMs) {
      heldBack++;
      return;
    }
    log(`Demo storm feed: ${message}${heldBack ? ` (and ${heldBack} more problems since the last report)` : ""}`);
    lastAt = t;
    heldBack = 0;
  };
}

export interface Poster {
  /** Posts one body to /api/ingest/<route>; true when every event in it was accepted. Never throws. */
  post(route: DemoRoute, body: unknown): Promise<boolean>;
  /** The throttled reporter, for the feed's own problems. */
  report(message: string): void;
  readonly counts: { posts: number; failures: number };
}

export function createPoster(options: PosterOptions): Poster {
  const report = createThrottledReporter(options.log, options.now);
  const base = options.baseUrl.replace(/\/+$/, "");
  const counts = { posts: 0, failures: 0 };
  return {
    report,
    counts,
    async post(route, body) {
      counts.posts++;
      try {
        const res = await fetch(`${base}/api/ingest/${route}`, {
          method: "POST",
          headers: {
            "content-type": "application/json", accept: "application/json",
            ...(options.keys?.[route] ? { authorization: `Bearer ${options.keys[route]}` } : {}),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
        const text = await res.text();
        // 207: some events were rejected, which for generated traffic is a bug worth seeing.
        if (res.ok && res.status !== 207) return true;
        counts.failures++;
        report(`POST /api/ingest/${route} answered ${res.status}: ${text.slice(0, 300)}`);
      } catch (err) {
        counts.failures++;
        report(`POST /api/ingest/${route} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      return false;
    },
  };
}

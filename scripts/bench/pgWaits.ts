import pg from "pg";

/**
 * Average active backends per 100 ms sample, by wait event (`Lock/advisory: 2.4`) and by
 * statement (first 140 characters, whitespace squeezed): 1.0 = one connection all the time.
 */
export interface WaitProfile {
  waits: Record<string, number>;
  statements: Record<string, number>;
}

export interface WaitSampler {
  stop(): Promise<WaitProfile>;
}

/**
 * Samples pg_stat_activity for the bench database while a pass runs: what the server's
 * connections are doing (CPU, I/O, waiting on a lock) and in which statement is a poor man's
 * profile that needs no server change (pg_stat_statements needs a preload and a restart).
 */
export async function sampleWaits(adminUrl: string, database: string): Promise<WaitSampler> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const waits = new Map<string, number>();
  const statements = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ wait: string; query: string }>(`
        SELECT COALESCE(wait_event_type || '/' || wait_event, 'CPU (no wait)') AS wait,
               left(btrim(regexp_replace(query, '\\s+', ' ', 'g')), 140) AS query
        FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`, [database]);
      samples++;
      for (const r of rows) {
        add(waits, r.wait, 1);
        add(statements, r.query, 1);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })().catch(() => {}); // a failed sample only shortens the profile

  const top = (m: Map<string, number>, n: number) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, v]) => [k, Number((v / Math.max(1, samples)).toFixed(2))]));
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      return { waits: top(waits, 8), statements: top(statements, 6) };
    },
  };
}

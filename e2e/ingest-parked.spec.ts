import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/client";
import { loadConfig } from "../server/config";
import { startServer, type RunningServer } from "../server/index";
import { retryUnfinished } from "../server/ingest/retrier";
import { MAX_ATTEMPTS } from "../server/ingest/inbox";
import { formatTime } from "../components/format";
import { signInAs } from "./signIn";

/**
 * Parked ingestion events on the supervisors' page. The shared e2e server's embedded database
 * is held by its process, so this file starts its own server (pages included, as `npm start`
 * does) on a fresh embedded database in this worker, and reads and writes its tables directly,
 * as the integration tests do.
 */
let server: RunningServer;
let dataDir: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oms-e2e-parked-"));
  server = await startServer(loadConfig({
    ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: "", SEED_METERS: "500",
    NODE_ENV: "production", DEMO_FEED: "false", SIGNIN_ATTEMPTS_PER_MINUTE: "1000",
  }), { log: () => {} });
});

test.afterAll(async () => {
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const db = () => server.database.db;
const inboxRow = async (sid: string) => (await queryRows<{ status: string; attempts: number; error: { message: string; at: string } | null }>(db(), sql`
  SELECT status, attempts, error FROM ingest_inbox WHERE source_event_id = ${sid}`))[0];

/** A Kaifa power-off for a meter of the network, as the inbox stores it (its parsed signals beside it). */
async function storeKaifaEvent(sid: string, occurredAt: string, row: { status: "received" | "dead"; attempts?: number; error?: { message: string; at: string } }) {
  const [meter] = await queryRows<{ meter_number: string }>(db(), sql`SELECT meter_number FROM oms_meters ORDER BY id LIMIT 1`);
  await db().execute(sql`
    INSERT INTO ingest_inbox (source_type, source_event_id, payload, signals, status, attempts, error, received_at)
    VALUES ('kaifa', ${sid}, '{}'::jsonb, jsonb_build_array(jsonb_build_object('sourceType', 'kaifa', 'sourceEventId', ${sid}::text, 'kind', 'power_off',
      'occurredAt', ${occurredAt}::text, 'meter', jsonb_build_object('meterNumber', ${meter.meter_number}::text), 'attributes', '{}'::jsonb)),
      ${row.status}, ${row.attempts ?? 0}, ${row.error ? JSON.stringify(row.error) : null}::jsonb, clock_timestamp() - interval '10 minutes')`);
}

const cell = (page: Page, source: string, measure: string, period: "total" | "hour") =>
  page.getByTestId("ingest-counts").locator(`tr[data-source="${source}"] td[data-measure="${measure}"][data-period="${period}"]`);

test("a parked event is counted and listed for the supervisor, and a retry sends it back to the server, which processes it", async ({ browser }) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  // 1. An event the pipeline cannot process (its time is not a time), parked by the real retrier:
  // each pass fails it once; its backoff (over a minute in all) is skipped by making it due.
  const poison = `POISON-${stamp}`;
  await storeKaifaEvent(poison, "not a time", { status: "received" });
  for (let pass = 0; (await inboxRow(poison)).status !== "dead"; pass++) {
    expect(pass, "parked within MAX_ATTEMPTS passes").toBeLessThan(MAX_ATTEMPTS + 2);
    await db().execute(sql`UPDATE ingest_inbox SET next_attempt_at = clock_timestamp() WHERE source_event_id = ${poison}`);
    await retryUnfinished(server.services.ingest);
  }
  expect(await inboxRow(poison)).toMatchObject({ status: "dead", attempts: MAX_ATTEMPTS, error: { message: expect.stringMatching(/Invalid time value/) } });
  // 2. A good event parked by a database that kept failing it (a deadlock's long message): retried, it goes through.
  const good = `DEADLOCK-${stamp}`;
  const deadlock = "error 40P01: deadlock detected ← caused by error: Process 4811 waits for ShareLock on transaction 91237; blocked by process 4790. " +
    "Process 4790 waits for RowExclusiveLock on relation 16522 of database 16384; blocked by process 4811. Hint: see the server log for query details.";
  const failedAt = new Date(Date.now() - 120_000).toISOString();
  await storeKaifaEvent(good, new Date(Date.now() - 11 * 60_000).toISOString(), { status: "dead", attempts: MAX_ATTEMPTS, error: { message: deadlock, at: failedAt } });

  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const password = /username supervisor\s+password (\S+)/.exec(fs.readFileSync(path.join(dataDir, "demo-sign-ins.txt"), "utf8"))![1];
  await signInAs(page, "supervisor", password);
  await page.goto("/admin");
  const panel = page.getByRole("region", { name: "Ingestion" });
  await expect(panel).toContainText("parked after 5 failed attempts");
  await expect(cell(page, "Kaifa head-end", "parked", "total")).toHaveText("2");
  await expect(cell(page, "Kaifa head-end", "parked", "hour")).toHaveText("2");
  await expect(cell(page, "all", "parked", "total")).toHaveText("2");
  await expect(cell(page, "Kaifa head-end", "awaiting", "total")).toHaveText("0");

  const parked = page.getByTestId("parked-table");
  const goodRow = parked.locator("tr", { hasText: good });
  const poisonRow = parked.locator("tr", { hasText: poison });
  await expect(parked.locator("tbody tr")).toHaveCount(2);
  await expect(parked.locator("tbody tr").first()).toContainText(good); // the last stored first
  await expect(poisonRow).toContainText("Kaifa head-end");
  await expect(poisonRow.locator("td").nth(2)).toHaveText(String(MAX_ATTEMPTS));
  await expect(poisonRow).toContainText("Invalid time value");
  // The long error is clamped on screen and whole in its tooltip; times are in the utility's zone.
  await expect(goodRow.locator("[title]")).toHaveAttribute("title", deadlock);
  const errorBox = await goodRow.locator("[title]").evaluate((el) => ({ shown: el.clientHeight, whole: el.scrollHeight }));
  expect(errorBox.shown).toBeLessThan(errorBox.whole);
  const zone = (await (await page.request.get("/api/trpc/system.publicConfig")).json()).result.data.json.timeZone as string;
  await expect(goodRow).toContainText(formatTime(failedAt, zone, { seconds: true }));
  await panel.screenshot({ path: "e2e/screenshots/ingest-panel.png" });

  // 3. Retry the good one: queued, out of the parked list at once, then processed by the server's retrier.
  await goodRow.getByRole("button", { name: "Retry" }).click();
  await expect(panel.getByRole("status")).toHaveText("Queued: 1 — processed by the server within ~10 s.");
  await expect(goodRow).toHaveCount(0);
  const requeued = await inboxRow(good);
  // Given fresh attempts (unless the retrier, every 10 s, has already taken it up).
  expect([requeued.status, requeued.attempts]).toEqual(requeued.status === "processed" ? ["processed", 1] : ["failed", 0]);
  await expect.poll(async () => (await inboxRow(good)).status, { timeout: 25_000 }).toBe("processed");
  // The counts follow by themselves (every 10 s): one processed, one still parked.
  await expect(cell(page, "Kaifa head-end", "processed", "total")).toHaveText("1", { timeout: 25_000 });
  await expect(cell(page, "Kaifa head-end", "parked", "total")).toHaveText("1");

  // 4. Retry all: the poison goes back to the server too, with fresh attempts, and fails again there.
  await panel.getByRole("button", { name: "Retry all" }).click();
  await expect(panel.getByRole("status")).toHaveText("Queued: 1 — processed by the server within ~10 s.");
  await expect(parked).toContainText("Nothing is parked");
  await panel.screenshot({ path: "e2e/screenshots/ingest-panel-retried.png" });
  const retried = await inboxRow(poison);
  // Fresh attempts: 0, or 1 if the retrier (every 10 s) has already taken it up and failed it again.
  expect(retried.status).toBe("failed");
  expect(retried.attempts).toBeLessThan(2);
  await expect.poll(async () => (await inboxRow(poison)).attempts, { timeout: 25_000 }).toBeGreaterThanOrEqual(1);
  expect(await inboxRow(poison)).toMatchObject({ status: "failed", error: { message: expect.stringMatching(/Invalid time value/) } });
  await expect(cell(page, "Kaifa head-end", "awaiting", "total")).toHaveText("1", { timeout: 25_000 });
  await expect(cell(page, "Kaifa head-end", "parked", "total")).toHaveText("0");
  // Each retry is in the audit log, under the person.
  await expect(page.getByTestId("audit-table").locator("tr", { hasText: "ingest.retry" })).toHaveCount(2);
  await expect(page.getByTestId("audit-table").locator("tr", { hasText: "ingest.retry" }).first()).toContainText("supervisor");
  await context.close();
});

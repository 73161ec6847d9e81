import { watchPushes, type PushKey } from "./pushWatch";

/** One request, its body already serialised (bodies travel to the sender's thread as strings). */
export interface RateBatch extends PushKey { body: string; events: number }

export interface OpenLoopOptions {
  url: string;
  apiKey: string;
  /** A dispatcher's session cookie, to watch the pushes as a screen does. */
  cookie: string;
  batches: RateBatch[];
  /** Batch k is due at k × intervalMs after the start, whatever the answers so far. */
  intervalMs: number;
  /** A batch due while this many requests are outstanding is shed (never sent), not queued. */
  maxInFlight: number;
  /** After the last send, requests still unanswered this long are aborted and counted as errors. */
  drainMs?: number;
  /** How long to wait for pushes after the last answer. */
  pushSettleMs?: number;
  /** Called once the socket is up, just before the first send. */
  onStart?(): void;
}

export interface SendTiming {
  batch: number;
  events: number;
  /** When the schedule wanted it sent, and when it left (NaN if shed), ms after the start. */
  dueMs: number;
  sentMs: number;
  status: number;
  requestMs: number;
  pushMs: number | null;
  shed?: boolean;
  /** The screen already showed the first meter's new status when it was sent: no push to wait for. */
  shownBefore?: boolean;
  /** `HTTP 503`, `ECONNRESET`, `aborted`…: what went wrong, as counted in `errors`. */
  error?: string;
  detail?: string;
}

export interface OpenLoopRaw {
  timeline: SendTiming[];
  /** From the start to the last answer (the drain of in-flight requests included), at least the schedule's length. */
  wallMs: number;
  /** Events in 200 and 207 answers. */
  acknowledged: number;
  accepted: number; rejected: number; unmatched: number; duplicates: number; pending: number;
  errors: Record<string, number>;
}

interface Answer { accepted: number; duplicates: number; rejected: number; unmatched: number; pending?: number }

/**
 * Offers the batches on a fixed schedule (open loop): a slow answer does not slow the sending,
 * so the server sees the rate the storm makes, not the rate it can take. At most `maxInFlight`
 * requests are outstanding, as a real integration's connection pool would allow; a batch due
 * when all are busy is shed and counted, never queued silently (a queue would turn the open
 * loop back into a closed one and hide the overload). No request is retried.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopRaw> {
  let started = performance.now();
  const clock = () => performance.now() - started;
  const pushes = await watchPushes(options.url, options.cookie, clock);
  const raw: OpenLoopRaw = { timeline: [], wallMs: 0, acknowledged: 0, accepted: 0, rejected: 0, unmatched: 0, duplicates: 0, pending: 0, errors: {} };
  const fail = (t: SendTiming, error: string, detail: string) => {
    t.error = error;
    t.detail = detail.slice(0, 500);
    raw.errors[error] = (raw.errors[error] ?? 0) + 1;
  };
  const inFlight = new Map<number, { done: Promise<void>; abort: AbortController }>();

  const post = async (index: number, t: SendTiming, abort: AbortController) => {
    const batch = options.batches[index];
    try {
      const res = await fetch(`${options.url}/api/ingest/kaifa`, {
        method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` }, body: batch.body, signal: abort.signal,
      });
      const text = await res.text();
      t.status = res.status;
      if (res.status === 200 || res.status === 207) {
        const answer = JSON.parse(text) as Answer;
        raw.acknowledged += batch.events;
        raw.accepted += answer.accepted;
        raw.rejected += answer.rejected;
        raw.unmatched += answer.unmatched;
        raw.duplicates += answer.duplicates;
        raw.pending += answer.pending ?? 0;
      } else fail(t, `HTTP ${res.status}`, text);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      fail(t, abort.signal.aborted ? "aborted (no answer in the drain)" : (cause?.code ?? (err as Error).name), `${String(err)}${cause ? ` (${String(cause)})` : ""}`);
    }
    t.requestMs = clock() - t.sentMs;
    if (t.error) pushes.forget(index, batch);
  };

  options.onStart?.();
  started = performance.now();
  for (let index = 0; index < options.batches.length;) {
    // Every batch now due goes out (several, if this thread was held up); the next one's due time is slept to.
    while (index < options.batches.length && index * options.intervalMs <= clock()) {
      const batch = options.batches[index];
      const t: SendTiming = { batch: index, events: batch.events, dueMs: index * options.intervalMs, sentMs: NaN, status: 0, requestMs: NaN, pushMs: null };
      raw.timeline.push(t);
      if (inFlight.size >= options.maxInFlight) t.shed = true;
      else {
        t.sentMs = clock();
        if (!pushes.expect(index, batch, t.sentMs)) t.shownBefore = true;
        const abort = new AbortController();
        const i = index;
        inFlight.set(i, { abort, done: post(i, t, abort).finally(() => inFlight.delete(i)) });
      }
      index++;
    }
    const wait = index * options.intervalMs - clock();
    if (index < options.batches.length && wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  const timer = setTimeout(() => { for (const { abort } of inFlight.values()) abort.abort(); }, options.drainMs ?? 60_000);
  await Promise.all([...inFlight.values()].map((f) => f.done));
  clearTimeout(timer);
  // The schedule offers n batches over n intervals: a pass that keeps up lasts that long, not
  // until the last batch's answer only, so acknowledged events/s never exceeds the offer.
  raw.wallMs = Math.max(clock(), options.batches.length * options.intervalMs);
  // Pushes go out on a 50 ms tick after the commit: give the last ones time to arrive.
  await pushes.settle(options.pushSettleMs ?? 3_000);
  for (const [index, ms] of pushes.pushMs) raw.timeline[index].pushMs = ms;
  pushes.close();
  return raw;
}

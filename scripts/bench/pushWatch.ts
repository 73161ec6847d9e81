import { io as connect } from "socket.io-client";

interface Change { seq: number; topic: string; payload: unknown; at: string }
interface MeterStatusPayload { meters: Array<{ id: number; status: string; at: string }> }

/**
 * What a batch's push is recognised by: its first meter in the status the batch leaves it in, as
 * of that event's time. The time tells this batch's push from another batch's that leaves the
 * meter in the same status (the storm darkens and restores a meter several times): a push
 * credited to the wrong batch would time a later wave, or one processed before this batch.
 */
export interface PushKey { firstMeterId: number; firstStatus: "off" | "on"; firstAt: string }

export interface PushWatch {
  /**
   * Call just before sending batch `index`. Answers false when the screen already shows the
   * first meter in its new status (an earlier batch of it failed, or the pipeline inferred it):
   * no push will name it, so none is waited for.
   */
  expect(index: number, key: PushKey, sentMs: number): boolean;
  /** The batch failed: its push may never come, stop waiting for it. */
  forget(index: number, key: PushKey): void;
  /** Milliseconds from sending each pushed batch to its push. */
  readonly pushMs: Map<number, number>;
  /** Waits up to `maxMs` for the pushes still expected (they go out on a 50 ms tick after the commit). */
  settle(maxMs: number): Promise<void>;
  close(): void;
}

/**
 * Watches the pushes as a signed-in dispatcher's screen does (Socket.IO refuses anyone else),
 * and times each batch from its send to the `meter:status` change that names its first meter
 * with the new status as of the batch's event. `clock` is the sender's, so both ends of a delay
 * are read on one clock. A batch whose event never shows (a newer event of the meter was
 * processed with it or before it: the older one changes nothing on the screen) is counted
 * among the pushes missing, not timed by a later wave's push.
 */
export async function watchPushes(url: string, cookie: string, clock: () => number): Promise<PushWatch> {
  const socket = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie } });
  await new Promise<void>((resolve, reject) => {
    socket.once("system:hello", () => resolve());
    socket.once("connect_error", reject);
  });
  // The batch waiting for each meter-and-status. A newer batch for the same key replaces an
  // older one whose push never came, so a later wave's push is never credited to a stale batch.
  const waiting = new Map<string, { index: number; sentMs: number }>();
  const shown = new Map<number, string>();
  const pushMs = new Map<number, number>();
  const keyOf = (k: PushKey) => `${k.firstMeterId}:${k.firstStatus}:${new Date(k.firstAt).toISOString()}`;
  socket.on("changes", (changes: Change[]) => {
    const now = clock();
    for (const change of changes) {
      if (change.topic !== "meter:status") continue;
      for (const m of (change.payload as MeterStatusPayload).meters) {
        shown.set(m.id, m.status);
        const key = `${m.id}:${m.status}:${m.at}`;
        const batch = waiting.get(key);
        if (batch === undefined) continue;
        waiting.delete(key);
        pushMs.set(batch.index, now - batch.sentMs);
      }
    }
  });
  return {
    pushMs,
    expect(index, key, sentMs) {
      if (shown.get(key.firstMeterId) === key.firstStatus) return false;
      waiting.set(keyOf(key), { index, sentMs });
      return true;
    },
    forget(index, key) {
      if (waiting.get(keyOf(key))?.index === index) waiting.delete(keyOf(key));
    },
    async settle(maxMs) {
      const deadline = performance.now() + maxMs;
      while (waiting.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    },
    close: () => void socket.close(),
  };
}

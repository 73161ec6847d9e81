/**
 * The shape of a playback (issue 12, point 4) and how to step through it: pure, imported by the
 * query that builds it and by the browser that plays it. Compact on purpose: a storm night is tens
 * of thousands of outage changes, so each is a short tuple and an outage's names are sent once.
 */
export const PLAYBACK_STATUSES = ["detected", "confirmed", "in_progress", "restored", "merged", "cancelled"] as const;
export const PLAYBACK_SEVERITIES = ["low", "medium", "high", "critical"] as const;
/** The map draws an outage while its status is one of these (as `activeOutageMarkers` does live). */
const OPEN_STATUS = new Set([0, 1, 2]);

/** [ms after `from`, outage (index in `outages`), status index, severity index, customers out, lat, lng]. */
export type PlaybackFrame = [number, number, number, number, number, number | null, number | null];

/**
 * A feeder's or substation's supply state: [ms after `from`, device id, status, breaker (feeders;
 * null for substations)]. A device with no state at `from` was energized, its breaker closed.
 */
export type DeviceFrame = [number, number, string, string | null];

export interface Playback {
  from: string;
  /** The end of what was replayed: the asked `to`, or earlier when `truncated`. */
  to: string;
  /** Each outage once: [id, event id, device level, device code]. */
  outages: Array<[string, string, string, string | null]>;
  /** The outages the map showed at `from` (t = 0). */
  start: PlaybackFrame[];
  /** Every change after `from`, in commit order (t never decreases); one that changed nothing the map shows is left out. */
  changes: PlaybackFrame[];
  /** The feeders and substations the outages' changes carried: their state at `from` (t = 0) and every change after. */
  feeders: { start: DeviceFrame[]; changes: DeviceFrame[] };
  substations: { start: DeviceFrame[]; changes: DeviceFrame[] };
  /** The period held more changes than one playback carries: it stops at `to`, earlier than asked. */
  truncated: boolean;
  /** The oldest change the log still holds (older ones are pruned, RETENTION_DAYS_CHANGE_LOG); null when it is empty. */
  logStartsAt: string | null;
}

export const isShown = (f: PlaybackFrame) => OPEN_STATUS.has(f[2]) && f[5] != null && f[6] != null;

/**
 * The latest frame of every outage at `t` ms after `from`. `state` and `next` let a caller go on
 * from where it was (playing forward applies only the new changes); seeking back starts again.
 */
export function advance(p: Playback, t: number, state: Map<number, PlaybackFrame> | null = null, next = 0): { state: Map<number, PlaybackFrame>; next: number } {
  const s = state ?? new Map(p.start.map((f) => [f[1], f]));
  let i = state ? next : 0;
  while (i < p.changes.length && p.changes[i]![0] <= t) {
    const f = p.changes[i]!;
    s.set(f[1], f);
    i++;
  }
  return { state: s, next: i };
}

/** The outages the map shows at `t`: their event ids, sorted (what tests compare with the live map). */
export function shownAt(p: Playback, t: number): string[] {
  return [...advance(p, t).state.values()].filter(isShown).map((f) => p.outages[f[1]]![1]).sort();
}

/** Each device's latest state at `t` (device id → frame), from its state at the start and its changes. */
export function devicesAt(d: { start: DeviceFrame[]; changes: DeviceFrame[] }, t: number): Map<number, DeviceFrame> {
  const s = new Map(d.start.map((f) => [f[1], f]));
  for (const f of d.changes) {
    if (f[0] > t) break;
    s.set(f[1], f);
  }
  return s;
}

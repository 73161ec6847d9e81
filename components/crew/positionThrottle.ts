import { haversineMeters } from "../../server/operations/crewTravel";

/**
 * How often a crew's phone sends its position (docs/crews.md): when it has moved MOVE_METERS
 * since the last fix sent, but not more often than every MIN_GAP_MS; and at least every
 * HEARTBEAT_MS while sharing, so the control room can tell a crew standing still from a phone
 * that stopped reporting. A truck at 50 km/h sends about every 5 s, one parked once a minute.
 */
export const MOVE_METERS = 50;
export const MIN_GAP_MS = 5_000;
export const HEARTBEAT_MS = 60_000;

export interface Fix { lat: number; lng: number; accuracy: number; at: number }

/** Whether to send `latest` now, given the last fix sent (and when it was sent). */
export function shouldSend(last: { fix: Fix; sentAt: number } | null, latest: Fix, now: number): boolean {
  if (!last) return true;
  if (latest.at <= last.fix.at) return false;
  const since = now - last.sentAt;
  if (since >= HEARTBEAT_MS) return true;
  return since >= MIN_GAP_MS && haversineMeters(last.fix, latest) >= MOVE_METERS;
}

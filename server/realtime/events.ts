import type { MeterStateChange } from "../../db/queries/powerState";
/**
 * The Socket.IO contract, shared by server and browser: event names are `entity:verb`. Every
 * change pushed carries the sequence number of the change log, so a client that reconnects
 * can ask for what it missed (`changes:since`).
 */
import type { DeviceLevel, OutageStatus, Severity } from "../../db/schema";

export interface OutageSummary {
  id: string;
  eventId: string;
  status: OutageStatus;
  severity: Severity;
  confidence: number;
  level: DeviceLevel;
  deviceCode: string | null;
  substationId: number | null;
  feederId: number | null;
  dpId: number | null;
  customersOut: number;
  criticalCustomersOut: number;
  metersOut: number;
  firstDetectedAt: string;
  restoredAt: string | null;
  parentOutageId: string | null;
  mergedIntoId: string | null;
  /*
   * What the control room's list and map show of an outage, so that a push updates their cached
   * data instead of making every page fetch them again (issue 12). Optional: changes recorded
   * before these were added (replayed by `changes:since`) lack them, and a client refetches then.
   */
  /** In the outage list: open, or restored and still verifying (db/queries/powerState.ts LIVE_OUTAGE). */
  live?: boolean;
  substation?: string | null;
  feeder?: string | null;
  /** Where the map draws it: the centroid of its affected meters. */
  lat?: number | null;
  lng?: number | null;
  etr?: string | null;
  /** Crew assignments not completed or cancelled. */
  crews?: number;
  sources?: { scada: number; kaifa: number; onu: number; call_center: number };
  parentEventId?: string | null;
  /** Why it calls for attention and nobody has acknowledged yet (db/queries/alerts.ts): new, critical, critical_customers. */
  alerts?: Array<"new" | "critical" | "critical_customers">;
}

/** The state of the feeders and substations under the outages of a change, as the map draws them. */
export interface DeviceStates {
  feeders: Array<{ id: number; status: string; breaker: "open" | "closed" | "closed_inferred" }>;
  substations: Array<{ id: number; status: string }>;
}

export interface ChangePayloads {
  /** Outages a commit opened. */
  "outage:created": { outages: OutageSummary[]; devices?: DeviceStates };
  /** Outages a commit changed while open (grown, merged, confirmed, crew, ETR, severity). */
  "outage:updated": { outages: OutageSummary[]; devices?: DeviceStates };
  /** Outages a commit closed: restored, or cancelled as a momentary interruption. */
  "outage:restored": { outages: OutageSummary[]; devices?: DeviceStates };
  /** Meter power changes of one commit, coalesced. */
  /** Meters whose derived power state (db/queries/powerState.ts) changed: off, assumed, on, unknown. */
  "meter:status": { meters: MeterStateChange[] };
  "storm:changed": { active: boolean; reason: string | null; by: string; at: string; rule: string };
  /**
   * A crew's status or position changed. `positionAt` is when its position was fixed (null: never
   * reported; lat/lng are then its depot); `outage` is the event id of its open assignment. Both,
   * and `accuracy`, are optional: changes recorded before issue 12 lack them.
   */
  "crew:updated": { crewId: number; status: string; outageId: string | null; outage?: string | null; lat: number | null; lng: number | null; positionAt?: string | null; accuracy?: number | null };
}
export type ChangeTopic = keyof ChangePayloads;
export const OUTAGE_TOPICS = ["outage:created", "outage:updated", "outage:restored"] as const satisfies readonly ChangeTopic[];

/**
 * The connect_error message of a connection refused because the session could not be checked
 * (the database is unreachable): the client keeps the page and tries again, unlike after
 * "unauthorized…", which sends it to sign in.
 */
export const UNAVAILABLE_REFUSAL = "service unavailable: the database is unreachable";

export interface ServerHello {
  /** The last sequence number committed; a client starts counting from here. */
  seq: number;
  serverTime: string;
}

export interface ServerToClientEvents {
  "system:hello": (hello: ServerHello) => void;
  /** Changes of one or more commits, in seq order (coalesced per short tick). */
  "changes": (changes: Array<{ seq: number; topic: ChangeTopic; payload: unknown; at: string }>) => void;
}

export interface ClientToServerEvents {
  "system:ping": (ack: (serverTime: string) => void) => void;
  /** Everything after `seq`, for a client that was away. */
  "changes:since": (seq: number, ack: (changes: Array<{ seq: number; topic: ChangeTopic; payload: unknown; at: string }>) => void) => void;
}

export type InterServerEvents = Record<string, never>;
export interface SocketData {
  connectedAt: number;
  /** Who signed in on this connection (checked when it opened). */
  userId: string;
  role: string;
  /** For a crew member: the crew whose changes they receive. */
  crewId: number | null;
}

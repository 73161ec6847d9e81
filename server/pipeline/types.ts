import type { DeviceLevel, OutageStatus, Severity, SourceType } from "../../db/schema";
import type { Signal } from "../ingest/signal";
import type { SourceCounts } from "./scoring";

/** Static topology of the part of the network a batch touches (whole substations). */
export interface MeterNode {
  id: number;
  meterNumber: string;
  dpId: number;
  feederId: number;
  substationId: number;
  customerId: number | null;
  critical: boolean;
  /** Can tell the head-end it lost power (a Kaifa smart meter or an ONU): its silence means something. */
  smart: boolean;
}
export interface DpNode { id: number; code: string; feederId: number; meterIds: number[] }
export interface FeederNode { id: number; code: string; substationId: number; dpIds: number[] }
export interface SubstationNode { id: number; code: string; feederIds: number[] }

export interface Topology {
  meters: Map<number, MeterNode>;
  dps: Map<number, DpNode>;
  feeders: Map<number, FeederNode>;
  substations: Map<number, SubstationNode>;
}

export type PowerStatus = "on" | "off" | "unknown";
export interface MeterPower {
  status: PowerStatus;
  changedAt: Date | null;
  /** The signal that set this status (kept on the meter row). */
  source?: SignalRef;
}
export interface Breaker {
  state: "open" | "closed";
  changedAt: Date | null;
  /** Closed because the meters under it proved supply back, not because SCADA said so (yet). */
  inferred?: boolean;
}

/** Which signal said something: the key of a link (oms_event_sources) or of a meter's power. */
export interface SignalRef { sourceType: SourceType; sourceEventId: string }

/** A signal linked to an outage as evidence, as the outage's arithmetic needs it. */
export interface LinkedSignal { sourceType: SourceType; meterId: number | null; kind: string }
export const linkKey = (s: SignalRef) => `${s.sourceType}:${s.sourceEventId}`;

/** Where enrichment placed a signal on the network. */
export type Placement =
  | { level: "meter"; meterIds: number[] }
  | { level: "distribution_point"; dpId: number }
  | { level: "feeder"; feederId: number }
  | { level: "substation"; substationId: number }
  | { level: "outage"; outageId: string }
  | { level: "unmatched"; reason: string };

export interface PlacedSignal { signal: Signal; placement: Placement }

export interface AffectedMeter {
  /** off: the meter or its customer said so; assumed: it sits under the device that is out. */
  state: "off" | "assumed" | "restored";
  since: Date;
}

export interface OutageSnapshot {
  id: string;
  eventId: string;
  status: OutageStatus;
  level: DeviceLevel;
  deviceId: number;
  substationId: number;
  feederId: number | null;
  dpId: number | null;
  firstDetectedAt: Date;
  confirmedAt: Date | null;
  confirmedBy: string | null;
  restoredAt: Date | null;
  verificationDueAt: Date | null;
  parentOutageId: string | null;
  mergedIntoId?: string | null;
  cause: string | null;
  /** Its customers were told (after the momentary window): later customers are told as they join, restored ones at the end. */
  customersNotified: boolean;
  meters: Map<number, AffectedMeter>;
  /** Every signal linked to the outage (by `linkKey`): what its sources and confidence are counted from. */
  linked: Map<string, LinkedSignal>;
  /** Derived from `linked` by `rescore` (outageState.ts); never counted by hand. */
  sources: SourceCounts;
  confidence: number;
  severity: Severity;
  customersOut: number;
  criticalCustomersOut: number;
}

export interface Actor { kind: SourceType | "system" | "user" | "crew"; id?: string }

export interface TimelineEntry {
  outageId: string;
  eventType: string;
  status: OutageStatus;
  description: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

export interface MeterChange {
  meterId: number;
  previous: PowerStatus;
  next: PowerStatus;
  at: Date;
  source: SourceType;
  sourceEventId: string;
  confidence: number;
}

/** A signal counted as evidence of an outage (a row of oms_event_sources). */
export interface SourceLink {
  outageId: string;
  sourceType: SourceType;
  sourceEventId: string;
  signalKind: string;
  detectedAt: Date;
  meterId: number | null;
}

export type SignalOutcome =
  | { status: "correlated"; outageId: string }
  | { status: "recorded" }
  | { status: "unmatched"; reason: string };

export interface MeterMomentary { meterId: number; offAt: Date; onAt: Date; source: SourceType }

export interface DeviceMomentary {
  level: "distribution_point" | "feeder" | "substation";
  deviceId: number;
  substationId: number;
  feederId: number | null;
  dpId: number | null;
  startedAt: Date;
  endedAt: Date;
  /** Every meter under the device (its customers were all interrupted). */
  meterIds: number[];
  /** Meters that said so themselves (an off and an on within the window). */
  metersReporting: number;
}

/** detected: the outage is known; still_out: a nested outage's customers after its parent was restored; restored. */
export type NoticeType = "detected" | "still_out" | "restored";

/** Everything a batch decided; the repository writes it in one transaction. */
export interface Decisions {
  /** Outages created or changed, in their new state. */
  outages: OutageSnapshot[];
  /** Ids of the outages this batch created. */
  created: Set<string>;
  timeline: TimelineEntry[];
  meterChanges: MeterChange[];
  momentaries: MeterMomentary[];
  /** Momentary interruptions of a whole device (distribution point, feeder, substation): never outages. */
  deviceMomentaries: DeviceMomentary[];
  /** `inferred`: closed because its meters proved supply back; a SCADA close later clears it. */
  breakerChanges: Array<{ level: "feeder" | "substation"; id: number; state: "open" | "closed"; at: Date; inferred: boolean }>;
  links: SourceLink[];
  notifications: Array<{ outageId: string; customerIds: number[]; type: NoticeType }>;
  outcomes: Map<Signal, SignalOutcome>;
}

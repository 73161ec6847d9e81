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
  source?: { sourceType: SourceType; sourceEventId: string };
}
export interface Breaker { state: "open" | "closed"; changedAt: Date | null }

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
  meters: Map<number, AffectedMeter>;
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

/** Everything a batch decided; the repository writes it in one transaction. */
export interface Decisions {
  /** Outages created or changed, in their new state. */
  outages: OutageSnapshot[];
  /** Ids of the outages this batch created. */
  created: Set<string>;
  timeline: TimelineEntry[];
  meterChanges: MeterChange[];
  momentaries: Array<{ meterId: number; offAt: Date; onAt: Date; source: SourceType }>;
  breakerChanges: Array<{ level: "feeder" | "substation"; id: number; state: "open" | "closed"; at: Date }>;
  links: SourceLink[];
  notifications: Array<{ outageId: string; customerIds: number[]; type: "detected" | "restored" }>;
  outcomes: Map<Signal, SignalOutcome>;
}

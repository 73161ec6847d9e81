import type { SourceType } from "../../db/schema";

/**
 * What a source adapter makes of one raw event: the source's own words normalised into the
 * pipeline's vocabulary. Adapters only parse and validate; they never touch the database.
 */
export type SignalKind =
  /** Evidence that power is off: last gasp, ONU last gasp, SCADA loss of voltage / trip. */
  | "power_off"
  /** Evidence that power is back: power restored, SCADA energized / breaker close. */
  | "power_on"
  /** A customer reporting no power (weaker evidence than a device). */
  | "customer_report"
  /** Recorded, but says nothing about supply (e.g. a tamper alarm). */
  | "info";

export interface MeterRef {
  meterNumber?: string;
  assetMrid?: string;
  usagePointMrid?: string;
  onuId?: number;
  onuSerial?: string;
  phone?: string;
}

export interface DeviceRef {
  /** The SCADA system's own codes; they may or may not be in the network model. */
  substationCode?: string;
  feederCode?: string;
  mainStationId?: string;
}

export interface Signal {
  sourceType: SourceType;
  /** The source's id for the event; with sourceType the idempotency key. */
  sourceEventId: string;
  kind: SignalKind;
  occurredAt: Date;
  meter?: MeterRef;
  /** Extra meters a source names (ONU `associatedMeters`). */
  associatedMeterNumbers?: string[];
  device?: DeviceRef;
  location?: { lat: number; lng: number };
  severity?: string;
  reason?: string;
  /** Source-specific fields worth keeping in the source table (eventType, alarmType, voltage, …). */
  attributes: Record<string, unknown>;
}

export interface ParseIssue {
  /** Path of the bad field from the root of the request body, e.g. `[2].payload.severity`. */
  path: string;
  message: string;
}

/** One item of a request: either a signal (or several: a SOAP message may carry many) or why not. */
export type ParsedItem =
  | { ok: true; index: number; signals: Signal[]; raw: unknown }
  | { ok: false; index: number; issues: ParseIssue[]; raw: unknown };

import type { SourceType } from "../../db/schema";
import type { Signal, SignalKind } from "../ingest/signal";

/** The seed's generic event request (events/correlate and events/create). */
export interface GenericEvent {
  event_type: string;
  source_type: SourceType;
  source_event_id: string;
  timestamp: Date;
  latitude?: number;
  longitude?: number;
  metadata?: {
    meter_number?: string; usage_point?: string; asset_mrid?: string; onu_id?: number; onu_serial?: string;
    phone?: string; address?: string; substation_id?: string; feeder_id?: string; event_type?: string;
  };
}

/** The generic event types the API takes: an outage (power off) or its end (power on). */
export const OFF_EVENT_TYPES = ["outage", "power_off", "power_failure", "last_gasp", "breaker_trip", "fault"] as const;
export const ON_EVENT_TYPES = ["restoration", "power_on", "power_restored", "breaker_close"] as const;
export const GENERIC_EVENT_TYPES = [...OFF_EVENT_TYPES, ...ON_EVENT_TYPES] as const;

/** `outage` from a customer is a report, from a device a power-off; `restoration` is a power-on. */
export function kindOf(eventType: string, source: SourceType): SignalKind {
  if ((ON_EVENT_TYPES as readonly string[]).includes(eventType)) return "power_on";
  return source === "call_center" ? "customer_report" : "power_off";
}

/** What the source's own table records as the event type (its native vocabulary). */
function nativeType(source: SourceType, kind: SignalKind, eventType: string): Record<string, string> {
  if (source === "onu") return { type: kind === "power_on" ? "ONU_PowerRestored" : "ONU_LastGaspAlert" };
  if (source === "scada") return { eventType: kind === "power_on" ? "breaker_close" : "breaker_trip" };
  if (source === "kaifa") return { messageType: "EndDeviceEvent", eventType };
  return { eventType };
}

export function signalFromRequest(e: GenericEvent): Signal {
  const m = e.metadata ?? {};
  const location = e.latitude !== undefined && e.longitude !== undefined ? { lat: e.latitude, lng: e.longitude } : undefined;
  const device = m.substation_id || m.feeder_id ? { substationCode: m.substation_id, feederCode: m.feeder_id } : undefined;
  const kind = kindOf(e.event_type, e.source_type);
  return {
    sourceType: e.source_type,
    sourceEventId: e.source_event_id,
    kind,
    occurredAt: e.timestamp,
    meter: { meterNumber: m.meter_number, usagePointMrid: m.usage_point, assetMrid: m.asset_mrid, onuId: m.onu_id, onuSerial: m.onu_serial, phone: m.phone },
    device: e.source_type === "scada" ? device : undefined,
    location,
    attributes: { ...nativeType(e.source_type, kind, m.event_type ?? e.event_type), address: m.address },
  };
}

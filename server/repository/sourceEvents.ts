import { sql } from "drizzle-orm";
import { exec, type DbOrTx } from "../../db/client";
import type { SourceType } from "../../db/schema";
import { unnestRows } from "../../db/arrays";
import type { Signal } from "../ingest/signal";
import type { Placement } from "../pipeline/types";

export interface StoredSignal {
  inboxId: number;
  signal: Signal;
  placement: Placement;
  outageId: string | null;
}

const a = (s: Signal) => s.attributes as Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? null : String(v));
const iso = (d: Date) => d.toISOString();
const meterOf = (p: Placement) => (p.level === "meter" ? p.meterIds[0] : null);

/**
 * The seed-named raw tables, one per source: each accepted event as the source said it, next
 * to what it was resolved to (meter, device, outage). Returns the SCADA rows' ids by inbox id.
 */
export async function writeSourceEvents(tx: DbOrTx, source: SourceType, rows: StoredSignal[]): Promise<Map<number, string>> {
  if (!rows.length) return new Map();
  const col = <T>(f: (r: StoredSignal) => T) => rows.map(f);
  const common = [
    ["inbox_id", "int8", col((r) => r.inboxId)],
    ["event_timestamp", "timestamptz", col((r) => iso(r.signal.occurredAt))],
    ["lat", "float8", col((r) => r.signal.location?.lat ?? null)],
    ["lng", "float8", col((r) => r.signal.location?.lng ?? null)],
  ] as const;
  if (source === "scada") {
    const result = await tx.execute(sql`
      INSERT INTO scada_events (inbox_id, event_timestamp, lat, lng, source_event_id, event_type, substation_id, feeder_id, main_station_id,
        alarm_type, severity, voltage, reason, network_substation_id, network_feeder_id, outage_event_id)
      SELECT * FROM ${unnestRows([...common,
        ["source_event_id", "text", col((r) => r.signal.sourceEventId)], ["event_type", "text", col((r) => str(a(r.signal).eventType))],
        ["substation_id", "text", col((r) => r.signal.device?.substationCode ?? null)], ["feeder_id", "text", col((r) => r.signal.device?.feederCode ?? null)],
        ["main_station_id", "text", col((r) => r.signal.device?.mainStationId ?? null)], ["alarm_type", "text", col((r) => str(a(r.signal).alarmType))],
        ["severity", "text", col((r) => r.signal.severity ?? null)], ["voltage", "float8", col((r) => (a(r.signal).voltage as number | undefined) ?? null)],
        ["reason", "text", col((r) => r.signal.reason ?? null)],
        ["network_substation_id", "int4", col((r) => (r.placement.level === "substation" ? r.placement.substationId : null))],
        ["network_feeder_id", "int4", col((r) => (r.placement.level === "feeder" ? r.placement.feederId : null))],
        ["outage_event_id", "uuid", col((r) => r.outageId)],
      ])}
      RETURNING id, inbox_id`);
    const out = (result as unknown as { rows: Array<{ id: string; inbox_id: number | string }> }).rows;
    return new Map(out.map((r) => [Number(r.inbox_id), r.id]));
  }
  if (source === "kaifa") {
    await exec(tx, sql`
      INSERT INTO kaifa_events (inbox_id, event_timestamp, lat, lng, event_id, message_type, event_type_code, severity, reason, asset_mrid, usage_point_mrid, meter_id, details)
      SELECT * FROM ${unnestRows([...common,
        ["event_id", "text", col((r) => r.signal.sourceEventId)], ["message_type", "text", col((r) => str(a(r.signal).messageType) ?? "EndDeviceEvent")],
        ["event_type_code", "text", col((r) => str(a(r.signal).eventTypeCode))], ["severity", "text", col((r) => r.signal.severity ?? null)],
        ["reason", "text", col((r) => r.signal.reason ?? null)], ["asset_mrid", "text", col((r) => r.signal.meter?.assetMrid ?? null)],
        ["usage_point_mrid", "text", col((r) => r.signal.meter?.usagePointMrid ?? null)], ["meter_id", "int4", col((r) => meterOf(r.placement))],
        ["details", "jsonb", col((r) => JSON.stringify(r.signal.attributes))],
      ])}`);
  } else if (source === "onu") {
    await exec(tx, sql`
      INSERT INTO onu_events (inbox_id, event_timestamp, lat, lng, event_id, event_type, onu_id, onu_serial, associated_meters, nms_type, alarm_category, alarm_type, meter_id)
      SELECT * FROM ${unnestRows([...common,
        ["event_id", "text", col((r) => r.signal.sourceEventId)], ["event_type", "text", col((r) => str(a(r.signal).type))],
        ["onu_id", "int8", col((r) => r.signal.meter?.onuId ?? null)], ["onu_serial", "text", col((r) => r.signal.meter?.onuSerial ?? null)],
        ["associated_meters", "jsonb", col((r) => (r.signal.associatedMeterNumbers ? JSON.stringify(r.signal.associatedMeterNumbers) : null))],
        ["nms_type", "text", col((r) => str(a(r.signal).nmsType))],
        ["alarm_category", "text", col((r) => str((a(r.signal).alarmData as Record<string, unknown> | undefined)?.category))],
        ["alarm_type", "text", col((r) => str((a(r.signal).alarmData as Record<string, unknown> | undefined)?.alarmType))],
        ["meter_id", "int4", col((r) => meterOf(r.placement))],
      ])}`);
  } else {
    await exec(tx, sql`
      INSERT INTO callcenter_tickets (inbox_id, event_timestamp, lat, lng, ticket_id, phone, meter_number, address, notes, meter_id, customer_id, substation_id)
      SELECT t.*, m.customer_id, m.substation_id FROM ${unnestRows([...common,
        ["ticket_id", "text", col((r) => r.signal.sourceEventId)], ["phone", "text", col((r) => r.signal.meter?.phone ?? null)],
        ["meter_number", "text", col((r) => r.signal.meter?.meterNumber ?? null)], ["address", "text", col((r) => str(a(r.signal).address))],
        ["notes", "text", col((r) => str(a(r.signal).notes))], ["meter_id", "int4", col((r) => meterOf(r.placement))],
      ])} LEFT JOIN oms_meters m ON m.id = t.meter_id`);
  }
  return new Map();
}

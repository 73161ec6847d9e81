import type { Random } from "../../db/seed/random";
import type { DemoFeeder, DemoMeter } from "./places";

/** The ingestion route a planned post goes to: POST /api/ingest/<route>. */
export type DemoRoute = "scada" | "kaifa" | "onu" | "call-center";

/** Makes event ids unique across runs and processes: `DEMO-<run>-<tag>-<n>`. */
export type IdFactory = (tag: "SC" | "KF" | "ONU" | "TC") => string;

export function createIdFactory(runToken: string): IdFactory {
  let n = 0;
  return (tag) => `DEMO-${runToken}-${tag}-${++n}`;
}

/** Every demo body carries its time in a top-level `timestamp` (per element in a batch). */
export function restamp(body: unknown, at: Date): unknown {
  const iso = at.toISOString();
  const one = (e: unknown) => (e && typeof e === "object" ? { ...(e as object), timestamp: iso } : e);
  return Array.isArray(body) ? body.map(one) : one(body);
}

const TRIP_REASONS = ["Overcurrent detected", "Earth fault", "Phase to phase short circuit", "Cable fault", "Overload trip"];

export function scadaTrip(ids: IdFactory, f: DemoFeeder, at: string, rng: Random) {
  return {
    eventId: ids("SC"), eventType: "breaker_trip", substationId: f.substationCode, feederId: f.feederCode,
    mainStationId: f.mainStationId ?? undefined, alarmType: "fault", timestamp: at, voltage: 0, severity: "critical", reason: rng.pick(TRIP_REASONS),
  };
}

/** A breaker close, or the simulator's `MV_AlarmRestoration` / `Energized` form. */
export function scadaClose(ids: IdFactory, f: DemoFeeder, at: string, rng: Random) {
  const alarm = rng.chance(0.35);
  return {
    eventId: ids("SC"), eventType: alarm ? "MV_AlarmRestoration" : "breaker_close", substationId: f.substationCode, feederId: f.feederCode,
    mainStationId: f.mainStationId ?? undefined, alarmType: alarm ? "Energized" : "normal", timestamp: at, voltage: 11000,
    severity: "low", reason: alarm ? "Feeder energized" : "Breaker closed after patrol",
  };
}

/** Names the meter the ways head-ends do: asset mRID (ns2 or plain), meter number, or usage point. */
function kaifaIdentity(m: DemoMeter, rng: Random): Record<string, unknown> {
  const r = rng.next();
  if (r < 0.45 && m.assetMrid) return { assets: { "ns2:mRID": m.assetMrid } };
  if (r < 0.7 && m.usagePointMrid) return { usage_point: { mrid: m.usagePointMrid } };
  if (r < 0.85 && m.assetMrid && m.usagePointMrid) return { assets: { mrid: m.assetMrid }, usage_point: { mrid: m.usagePointMrid } };
  return { assets: { mrid: m.meterNumber } };
}

export function kaifaEvent(ids: IdFactory, m: DemoMeter, on: boolean, at: string, rng: Random) {
  return {
    message_type: "EndDeviceEvent", timestamp: at,
    payload: { event_id: ids("KF"), severity: on ? "info" : "critical", reason: on ? "Power restored" : "Last gasp signal detected", ...kaifaIdentity(m, rng) },
  };
}

/** ONU alarm; some NMS exports name the ONU only by serial. Only for meters with an ONU. */
export function onuEvent(ids: IdFactory, m: DemoMeter, on: boolean, at: string, rng: Random) {
  const bySerialOnly = m.onuSerial !== null && rng.chance(0.2);
  return {
    eventId: ids("ONU"), type: on ? "ONU_PowerRestored" : "ONU_LastGaspAlert",
    onuId: bySerialOnly ? undefined : (m.onuId ?? undefined), onuSerial: m.onuSerial ?? undefined, timestamp: at, nmsType: "HUAWEI",
    alarmData: { category: "power", alarmType: on ? "power_restored" : "last_gasp" },
  };
}

const NOTES_OUT = ["No power in the whole building", "Lights went out, neighbours too", "Power cut since a few minutes", "Heard a bang outside, no electricity", "No power, elderly parent on oxygen at home"];
const NOTES_STRAY = ["Lights flickering", "Low voltage, fridge not starting", "Only half the house has power", "Asking when the power cut in our area ends", "Meter display shows an error"];

export function callTicket(ids: IdFactory, m: DemoMeter, at: string, rng: Random, stray = false) {
  return {
    ticketId: ids("TC"), timestamp: at,
    customer: { phone: m.phone ?? undefined, meterNumber: rng.chance(0.5) ? m.meterNumber : undefined, address: m.address ?? undefined },
    notes: rng.pick(stray ? NOTES_STRAY : NOTES_OUT),
  };
}

const RESTORE_REASONS = ["Fuse replaced", "Cable joint repaired", "Jumper reconnected", "Breaker reclosed after patrol", "Insulator replaced"];

/**
 * A crew pressing Restored through the REST API (POST /api/oms/events/restore). The outage's id
 * is not known when the storm is planned, so the body names the device: the replay finds the
 * open outage predicted there when it sends it and posts `{ outage_event_id, restoration_data }`.
 */
export interface CrewRestoreBody {
  level: "feeder" | "distribution_point";
  deviceCode: string;
  restoration_data: { restoration_time: string; restoration_reason: string; crew_id?: string };
}

export function crewRestore(level: CrewRestoreBody["level"], deviceCode: string, at: string, rng: Random, crewIds: readonly string[] = []): CrewRestoreBody {
  const reason = rng.pick(RESTORE_REASONS);
  const crew = crewIds.length ? rng.pick(crewIds) : undefined;
  return { level, deviceCode, restoration_data: { restoration_time: at, restoration_reason: reason, ...(crew ? { crew_id: crew } : {}) } };
}

/** A call typed in a hurry: only a location near a point, junk elsewhere (the recorded sample has "3"). */
export function locationOnlyTicket(ids: IdFactory, lat: number, lng: number, at: string, rng: Random) {
  const junk = rng.pick(["3", "0", "-", "x"]);
  return {
    ticketId: ids("TC"), timestamp: at,
    customer: { phone: junk, meterNumber: junk, address: junk,
      location: { lat: +(lat + rng.between(-0.0008, 0.0008)).toFixed(6), lng: +(lng + rng.between(-0.0008, 0.0008)).toFixed(6) } },
    notes: rng.pick([junk, "no power", "power out in street"]),
  };
}

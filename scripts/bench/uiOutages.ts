import { queryRows, sql, type DbOrTx } from "../../db/client";
import { ruleDefaults } from "../../server/pipeline/rules";
import type { KaifaEvent } from "./storm";

/**
 * Open outages made the way a storm makes them: last gasps posted to the Kaifa ingestion route,
 * correlated by the server's own pipeline into real outage records (no row written by hand).
 *
 * The first two distribution points of every feeder lose three meters each (the share that puts
 * the outage at the transformer, ruleDefaults.dpRollupShare); further points lose one meter each,
 * which stays a single-customer outage. Two points out of a feeder's twenty never roll up to the
 * feeder (feederRollupShare), so each one is an outage of its own. The meters the transformer
 * outages did not name are kept back: their last gasps, posted while frames are timed, change
 * those outages (a source more) and push `outage:updated` as a storm would.
 */
export interface OutagePlan {
  events: KaifaEvent[];
  outages: number;
  transformerOutages: number;
  meterOutages: number;
  /** Meter numbers under the transformer outages not reported yet, for later signals. */
  spare: string[];
}

interface MeterAt { number: string; dp: number; feeder: number }

const DP_OUTAGES_PER_FEEDER = 2;

export async function planOutages(db: DbOrTx, outages: number, runId: string): Promise<OutagePlan> {
  const rows = await queryRows<MeterAt>(db, sql`
    SELECT meter_number AS number, dp_id AS dp, feeder_id AS feeder FROM oms_meters
    WHERE dp_id IS NOT NULL AND feeder_id IS NOT NULL AND status = 'active' ORDER BY feeder_id, dp_id, id`);
  const feeders = new Map<number, Map<number, string[]>>();
  for (const r of rows) {
    const dps = feeders.get(r.feeder) ?? feeders.set(r.feeder, new Map()).get(r.feeder)!;
    (dps.get(r.dp) ?? dps.set(r.dp, []).get(r.dp)!).push(r.number);
  }
  const byFeeder = [...feeders.values()].map((dps) => [...dps.values()]);
  const mostPoints = Math.max(0, ...byFeeder.map((dps) => dps.length));

  // Half a minute past the momentary window: each power-off is sustained as soon as it is read.
  const at = () => new Date(Date.now() - (ruleDefaults.momentarySeconds + 30) * 1000).toISOString();
  const events: KaifaEvent[] = [];
  const lastGasp = (meter: string): KaifaEvent => ({
    message_type: "EndDeviceEvent", timestamp: at(),
    payload: { event_id: `BENCH-UI-${runId}-${events.length + 1}`, severity: "critical", reason: "Last gasp signal detected", assets: { mrid: meter } },
  });
  const spare: string[] = [];
  let transformerOutages = 0;
  let meterOutages = 0;
  for (let j = 0; j < mostPoints && transformerOutages + meterOutages < outages; j++) {
    for (const dps of byFeeder) {
      if (transformerOutages + meterOutages >= outages) break;
      const meters = dps[j];
      if (!meters) continue;
      const needed = Math.max(ruleDefaults.rollupMinChildren, Math.ceil(ruleDefaults.dpRollupShare * meters.length));
      const underRollup = j < DP_OUTAGES_PER_FEEDER && j + 1 < ruleDefaults.feederRollupShare * dps.length;
      if (underRollup && meters.length > needed) {
        for (const m of meters.slice(0, needed)) events.push(lastGasp(m));
        spare.push(...meters.slice(needed));
        transformerOutages++;
      } else if (!underRollup) {
        events.push(lastGasp(meters[0]!));
        meterOutages++;
      }
    }
  }
  if (transformerOutages + meterOutages < outages) {
    throw new Error(`--outages: this network has room for ${transformerOutages + meterOutages} separate outages, not ${outages}`);
  }
  return { events, outages, transformerOutages, meterOutages, spare };
}

/** Posts Kaifa events in batches and throws on any answer but 200. */
export async function postKaifa(url: string, apiKey: string, events: KaifaEvent[], batch = 500): Promise<void> {
  for (let i = 0; i < events.length; i += batch) {
    const res = await fetch(`${url}/api/ingest/kaifa`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(events.slice(i, i + batch)),
    });
    if (res.status !== 200) throw new Error(`POST /api/ingest/kaifa answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
}

export async function openOutageCount(db: DbOrTx): Promise<number> {
  const [{ n }] = await queryRows<{ n: number }>(db, sql`SELECT COUNT(*)::int AS n FROM oms_outage_events WHERE status IN ('detected', 'confirmed', 'in_progress')`);
  return n;
}

import type { Db } from "../../db/client";
import type { SourceType } from "../../db/schema";
import { invalid } from "../errors";
import type { Actor } from "../context";
import type { Rule } from "../pipeline/rules";
import type { Publisher, Change } from "../realtime/publisher";
import type { TopologyCache } from "../repository/topology";
import { writeSourceEvents } from "../repository/sourceEvents";
import { correlateBatch } from "./correlateBatch";
import { markFailed, markProcessed, recordRejections, storeInInbox } from "./inbox";
import { placeSignals } from "./placement";
import { checkMetersUnder, type MeterCheck } from "./scadaMeterCheck";
import type { ParsedItem, ParseIssue, Signal } from "./signal";

export interface IngestDeps {
  db: Db;
  publisher: Publisher;
  now(): Date;
  topology: TopologyCache;
  activeRule(db: Db): Promise<Rule>;
  /** The utility's time zone, for times written into timeline text. */
  timeZone: string;
  /** Runs after a batch commits (storm-mode auto-activation). */
  afterCommit?(): Promise<void>;
}

export type ItemStatus = "correlated" | "recorded" | "unmatched" | "rejected";

export interface ItemResult extends Partial<MeterCheck> {
  index: number;
  status: ItemStatus;
  source_event_id?: string;
  outage_event_id?: string | null;
  event_id?: string | null;
  outage_status?: string | null;
  confidence?: number | null;
  reason?: string;
  issues?: ParseIssue[];
  duplicate?: boolean;
}

export interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  unmatched: number;
  results: ItemResult[];
}

/**
 * One request from an integration: bad items are recorded as rejections and reported by
 * index; good ones are stored in the inbox (committed) before the pipeline runs, so a failure
 * in processing loses nothing; duplicates answer what their first delivery was answered.
 */
export async function ingest(deps: IngestDeps, actor: Actor, source: SourceType, items: ParsedItem[], rawText?: string): Promise<IngestAnswer> {
  const apiKeyId = actor.kind === "integration" ? actor.id : null;
  const bad = items.filter((i): i is Extract<ParsedItem, { ok: false }> => !i.ok);
  const good = items.filter((i): i is Extract<ParsedItem, { ok: true }> => i.ok && i.signals.length > 0);
  const { stored, duplicates } = await deps.db.transaction(async (tx) => {
    await recordRejections(tx as never, source, bad, apiKeyId, rawText);
    return storeInInbox(tx as never, source, good.map((i) => ({ index: i.index, sourceEventId: i.signals[0].sourceEventId, raw: i.raw })), apiKeyId);
  });
  if (good.length === 0) {
    throw invalid(`No valid ${source} event in the request`, bad.flatMap((b) => b.issues));
  }

  const signalsOf = new Map(good.map((i) => [i.index, i.signals]));
  let processed: ItemResult[] = [];
  let changes: Change[] = [];
  try {
    ({ processed, changes } = await processStored(deps, actor, source, stored.map((s) => ({ ...s, signals: signalsOf.get(s.index)! }))));
  } catch (err) {
    await markFailed(deps.db, stored.map((s) => s.inboxId), err instanceof Error ? err.message : String(err)).catch(() => {});
    throw err;
  }
  deps.publisher.publish(changes);
  await deps.afterCommit?.().catch((err) => console.error("after-commit work failed:", err));

  const results: ItemResult[] = [
    ...processed,
    ...duplicates.map((d) => ({ ...(d.response as ItemResult), index: d.index, duplicate: true })),
    ...bad.map((b) => ({ index: b.index, status: "rejected" as const, issues: b.issues })),
  ].sort((a, b) => a.index - b.index);
  return {
    accepted: processed.length,
    duplicates: duplicates.length,
    rejected: bad.length,
    unmatched: results.filter((r) => r.status === "unmatched").length,
    results,
  };
}

interface Pending { index: number; inboxId: number; sourceEventId: string; signals: Signal[] }

async function processStored(deps: IngestDeps, actor: Actor, source: SourceType, items: Pending[]) {
  if (!items.length) return { processed: [], changes: [] };
  const now = deps.now();
  const rule = await deps.activeRule(deps.db);
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const signals = items.flatMap((i) => i.signals);
    const placed = await placeSignals(tx, signals, rule.radiusMeters);
    const { decisions, changes } = await correlateBatch(tx, placed, { topology: deps.topology, now, rule, actor, timeZone: deps.timeZone });
    const placementOf = new Map(placed.map((p) => [p.signal, p.placement]));
    const outcomeOf = (s: Signal) => decisions.outcomes.get(s) ?? { status: "recorded" as const };
    const outageOf = (s: Signal) => { const o = outcomeOf(s); return o.status === "correlated" ? o.outageId : null; };

    const scadaIds = await writeSourceEvents(tx, source, items.map((i) => ({
      inboxId: i.inboxId, signal: i.signals[0], placement: placementOf.get(i.signals[0])!, outageId: outageOf(i.signals[0]),
    })));
    const outages = new Map(decisions.outages.map((o) => [o.id, o]));
    const processed: ItemResult[] = [];
    for (const item of items) {
      const signal = item.signals[0];
      const outcome = outcomeOf(signal);
      const outage = outcome.status === "correlated" ? outages.get(outcome.outageId) : undefined;
      const result: ItemResult = {
        index: item.index,
        status: outcome.status,
        source_event_id: item.sourceEventId,
        outage_event_id: outcome.status === "correlated" ? outcome.outageId : null,
        event_id: outage?.eventId ?? null,
        outage_status: outage?.status ?? null,
        confidence: outage ? Number(outage.confidence.toFixed(3)) : null,
        ...(outcome.status === "unmatched" ? { reason: outcome.reason } : {}),
      };
      const scadaId = scadaIds.get(item.inboxId);
      if (scadaId && signal.kind === "power_off") Object.assign(result, await checkMetersUnder(tx, scadaId, placementOf.get(signal)!, result.outage_event_id ?? null));
      else if (scadaId) result.scada_event_id = scadaId;
      processed.push(result);
    }
    await markProcessed(tx, processed.map((r, i) => ({
      inboxId: items[i].inboxId, status: r.status === "unmatched" ? "unmatched" : "processed", response: { ...r, index: undefined },
    })), now);
    return { processed, changes };
  });
}

import type { Actor } from "../context";
import { ingest, type IngestDeps } from "../ingest/service";
import { signalFromRequest, type GenericEvent } from "./signalFromRequest";

export interface CorrelateInput extends GenericEvent {
  correlation_window_minutes?: number;
  spatial_radius_meters?: number;
}

/**
 * `events/correlate` (seed stage 1): one signal of any source, in the seed's generic shape,
 * through the same inbox and pipeline as the native routes (so the same source event id is
 * a duplicate whichever route brought it). The request's window and radius apply to it.
 */
export async function correlateEvent(deps: IngestDeps, actor: Actor, input: CorrelateInput) {
  const signal = signalFromRequest(input);
  const withOverrides: IngestDeps = {
    ...deps,
    // Only this process knows the request's rule: never handed to another process.
    handOff: false,
    activeRule: async (db) => {
      const rule = await deps.activeRule(db);
      return {
        ...rule,
        windowMinutes: input.correlation_window_minutes ?? rule.windowMinutes,
        radiusMeters: input.spatial_radius_meters ?? rule.radiusMeters,
      };
    },
  };
  const answer = await ingest(withOverrides, actor, input.source_type, [{ ok: true, index: 0, signals: [signal], raw: input }]);
  const { index: _index, ...result } = answer.results[0];
  return { ...result, confidence_score: result.confidence ?? null };
}

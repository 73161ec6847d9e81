"use client";

import { useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useTRPC } from "../providers/trpc";
import { formatCount, formatTime } from "../format";

/**
 * The last hours' momentary interruptions (they feed MAIFI). A server older than this page answers
 * NOT_FOUND, which reads as "not recorded here" instead of breaking the page.
 */
export function useMomentaries(hours = 24) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.outages.momentaries.queryOptions({ hours }), retry: false, refetchInterval: 60_000 });
}

const notRecordedHere = (err: unknown) => err instanceof TRPCClientError && (err.data as { code?: string } | undefined)?.code === "NOT_FOUND";

export function MomentaryList({ hours = 24, timeZone }: { hours?: number; timeZone?: string }) {
  const list = useMomentaries(hours);
  if (list.error) {
    return notRecordedHere(list.error)
      ? <p className="empty" data-testid="momentaries-unavailable">This server does not record momentary interruptions yet.</p>
      : <p className="form-error" role="alert">Could not load momentary interruptions: {list.error.message}</p>;
  }
  if (!list.data) return <p className="empty">Loading…</p>;
  if (list.data.length === 0) return <p className="empty" data-testid="no-momentaries">No momentary interruptions in the last {hours} hours.</p>;
  return (
    <ul className="momentary-list" data-testid="momentary-list" aria-label="Momentary interruptions">
      {list.data.map((m) => {
        const seconds = Math.max(0, Math.round((new Date(m.endedAt).getTime() - new Date(m.startedAt).getTime()) / 1000));
        return (
          <li key={m.id} className="momentary-row" data-id={m.id}>
            <b>{m.level.replace("_", " ")} {m.deviceCode}</b>
            <span className="muted">{formatTime(m.startedAt, timeZone, { seconds: true })} · <span data-testid="momentary-duration">{seconds} s</span></span>
            <span className="row-figures"><span><b>{formatCount(m.customers)}</b> customer{m.customers === 1 ? "" : "s"}</span>
              <span>{formatCount(m.metersReporting)} meter{m.metersReporting === 1 ? "" : "s"} reported</span></span>
          </li>
        );
      })}
    </ul>
  );
}

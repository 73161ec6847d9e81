"use client";

import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatCount, formatTime, fromLocalInput, toLocalInput } from "../format";
import { DateTimeInput } from "../time/DateTimeInput";

const HOUR = 3_600_000;
/** The longest playback the server replays (server/trpc/routers/history.ts MAX_PLAYBACK_HOURS). */
export const MAX_PLAYBACK_HOURS = 48;

export interface HistoryRange { from: string; to: string }
type Kind = "outages" | "momentaries";
interface Filter { status: "" | "restored" | "cancelled" | "merged"; substation: string; feeder: string; cause: string; source: "" | "scada" | "kaifa" | "onu" | "call_center"; minCustomers: string }
const NO_FILTER: Filter = { status: "", substation: "", feeder: "", cause: "", source: "", minCustomers: "" };

const duration = (from: string, to: string) => {
  const minutes = Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")}`;
};

/**
 * The History tab: closed outages and device momentaries that began in a range (the last 24 h by
 * default, in the utility's zone), filtered and paged by the server with the total shown; a row
 * opens the outage with its timeline; the range can be played back on the map.
 */
export function HistoryPanel({ timeZone, substations, selected, onSelect, onPlay }: {
  timeZone?: string;
  substations: Array<{ code: string; name: string }>;
  selected: string | null;
  onSelect: (id: string) => void;
  onPlay: (range: HistoryRange) => void;
}) {
  const trpc = useTRPC();
  const [range, setRange] = useState<HistoryRange>(() => {
    const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
    return { from: new Date(to.getTime() - 24 * HOUR).toISOString(), to: to.toISOString() };
  });
  const [kind, setKind] = useState<Kind>("outages");
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const min = Number.parseInt(filter.minCustomers, 10);
  const common = { ...range, substation: filter.substation || undefined, feeder: filter.feeder.trim() || undefined, minCustomers: Number.isFinite(min) && min > 0 ? min : undefined };
  const outages = useInfiniteQuery({
    ...trpc.history.outages.infiniteQueryOptions({
      ...common, statuses: filter.status ? [filter.status] : undefined, cause: filter.cause.trim() || undefined, source: filter.source || undefined,
    }, { getNextPageParam: (last) => last.next }),
    enabled: kind === "outages",
  });
  const momentaries = useInfiniteQuery({ ...trpc.history.momentaries.infiniteQueryOptions(common, { getNextPageParam: (last) => last.next }), enabled: kind === "momentaries" });
  const list = kind === "outages" ? outages : momentaries;
  const total = list.data?.pages[0]?.total;
  const shown = list.data?.pages.reduce((n, p) => n + p.rows.length, 0) ?? 0;
  const playHours = (new Date(range.to).getTime() - new Date(range.from).getTime()) / HOUR;
  const setTime = (key: keyof HistoryRange, value: string) => {
    if (!value || !timeZone) return;
    setRange((r) => ({ ...r, [key]: fromLocalInput(value, timeZone).toISOString() }));
  };

  return (
    <div className="history outage-list" data-testid="history">
      <div className="filters" role="group" aria-label="History range and filters">
        <DateTimeInput className="history-time" label="From" value={timeZone ? toLocalInput(new Date(range.from), timeZone) : ""} onChange={(v) => setTime("from", v)} />
        <DateTimeInput className="history-time" label="To" value={timeZone ? toLocalInput(new Date(range.to), timeZone) : ""} onChange={(v) => setTime("to", v)} />
        <select aria-label="Show" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="outages">Outages</option>
          <option value="momentaries">Momentary interruptions</option>
        </select>
        <select aria-label="Substation" value={filter.substation} onChange={(e) => setFilter({ ...filter, substation: e.target.value })}>
          <option value="">All substations</option>
          {substations.map((s) => <option key={s.code} value={s.code}>{s.code} {s.name}</option>)}
        </select>
        <input aria-label="Feeder" placeholder="Feeder e.g. FD012" value={filter.feeder} onChange={(e) => setFilter({ ...filter, feeder: e.target.value })} />
        <input aria-label="Minimum customers" placeholder="Min customers" inputMode="numeric" value={filter.minCustomers} onChange={(e) => setFilter({ ...filter, minCustomers: e.target.value.replace(/\D/g, "") })} />
        {kind === "outages" && (
          <>
            <select aria-label="Status" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value as Filter["status"] })}>
              <option value="">Restored, cancelled, merged</option>
              <option value="restored">Restored</option>
              <option value="cancelled">Cancelled</option>
              <option value="merged">Merged</option>
            </select>
            <select aria-label="Source" value={filter.source} onChange={(e) => setFilter({ ...filter, source: e.target.value as Filter["source"] })}>
              <option value="">Any source</option>
              <option value="scada">SCADA</option>
              <option value="kaifa">Smart meters</option>
              <option value="onu">ONU</option>
              <option value="call_center">Calls</option>
            </select>
            <input aria-label="Cause" placeholder="Cause contains…" value={filter.cause} onChange={(e) => setFilter({ ...filter, cause: e.target.value })} />
          </>
        )}
      </div>
      <div className="history-play">
        <button type="button" onClick={() => onPlay(range)} disabled={playHours > MAX_PLAYBACK_HOURS || playHours <= 0}
          title={playHours > MAX_PLAYBACK_HOURS ? `Playback covers at most ${MAX_PLAYBACK_HOURS} hours: shorten the range` : "Replay this range on the map"}>
          ▶ Play back on the map
        </button>
        {playHours > MAX_PLAYBACK_HOURS && <span className="muted">at most {MAX_PLAYBACK_HOURS} h</span>}
      </div>
      {list.error && <p className="form-error" role="alert">Could not load the history: {list.error.message}</p>}
      {list.isPending && <p className="muted list-count" role="status">Loading…</p>}
      {total !== undefined && (
        <p className="muted list-count" data-testid="history-count" role="status">
          {formatCount(total)} {kind === "outages" ? `outage${total === 1 ? "" : "s"}` : `momentary interruption${total === 1 ? "" : "s"}`}
          {shown < total ? ` · showing ${formatCount(shown)}` : ""}
        </p>
      )}
      <div className="outage-scroll">
        <ul className="history-rows" aria-label={kind === "outages" ? "Past outages" : "Past momentary interruptions"}>
          {kind === "outages" && outages.data?.pages.flatMap((p) => p.rows).map((o) => (
            <li key={o.id}>
              <button type="button" className={`outage-row history-row ${selected === o.id ? "selected" : ""}`} data-id={o.id} data-event-id={o.eventId} onClick={() => onSelect(o.id)}>
                <span className="sev sev-restored">{o.status}</span>
                <span className="row-main"><b>{o.level ? `${o.level.replace("_", " ")} ${o.deviceCode ?? ""}` : o.eventId}</b></span>
                <span className="row-figures"><span><b>{formatCount(o.customers)}</b> customers</span><span>{formatTime(o.firstDetectedAt, timeZone)}</span><span>{duration(o.firstDetectedAt, o.endedAt)}</span></span>
                <span className="row-parent">{o.eventId}{o.substation ? ` · ${o.substation}` : ""}{o.feeder ? ` / ${o.feeder}` : ""}{o.cause ? ` · ${o.cause}` : ""}
                  {o.parentEventId ? ` · nested in ${o.parentEventId}` : ""}{o.mergedIntoEventId ? ` · merged into ${o.mergedIntoEventId}` : ""}</span>
              </button>
            </li>
          ))}
          {kind === "momentaries" && momentaries.data?.pages.flatMap((p) => p.rows).map((m) => (
            <li key={m.id} className="momentary-row history-row" data-id={m.id}>
              <b>{m.level.replace("_", " ")} {m.deviceCode}</b>
              <span className="muted">{formatTime(m.startedAt, timeZone, { seconds: true })} · {Math.max(0, Math.round((new Date(m.endedAt).getTime() - new Date(m.startedAt).getTime()) / 1000))} s{m.substation ? ` · ${m.substation}` : ""}</span>
              <span className="row-figures"><span><b>{formatCount(m.customers)}</b> customers</span><span>{formatCount(m.metersReporting)} meters reported</span></span>
            </li>
          ))}
        </ul>
        {total === 0 && <p className="empty" data-testid="history-empty">Nothing in this range{JSON.stringify(filter) !== JSON.stringify(NO_FILTER) ? " matches the filters" : ""}.</p>}
        {list.hasNextPage && (
          <button type="button" className="load-more" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {list.isFetchingNextPage ? "Loading…" : `Load more (${formatCount(shown)} of ${formatCount(total)})`}
          </button>
        )}
      </div>
    </div>
  );
}

"use client";

import { useEffect, useMemo, useRef, type KeyboardEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useTRPC } from "../providers/trpc";
import { arrangeOutages } from "./arrangeOutages";
import { OutageRow, type OutageRowData } from "./OutageRow";
import { formatCount } from "../format";

/** A row's height before it is measured (one with a parent line or wrapped sources is taller). */
const ROW_ESTIMATE_PX = 78;

export interface OutageFilterState {
  substation: string;
  feeder: string;
  status: "" | "detected" | "confirmed" | "in_progress";
  severity: "" | "critical" | "high" | "medium" | "low";
}

export const NO_FILTER: OutageFilterState = { substation: "", feeder: "", status: "", severity: "" };

/**
 * Outages holding customers dark, most severe and oldest first, then those verifying; nested ones
 * under their parent. All of them, with their count: only the rows in view (and a few around them)
 * are in the page (@tanstack/react-virtual), so thousands scroll smoothly.
 */
export function OutageList({ filter, onFilter, selected, onSelect, substations, timeZone, now }: {
  filter: OutageFilterState;
  onFilter: (f: OutageFilterState) => void;
  selected: string | null;
  onSelect: (id: string) => void;
  substations: Array<{ code: string; name: string }>;
  timeZone?: string;
  now: number;
}) {
  const trpc = useTRPC();
  const list = useQuery(trpc.outages.list.queryOptions({
    substation: filter.substation || undefined,
    feeder: filter.feeder.trim().toUpperCase() || undefined,
    statuses: filter.status ? [filter.status] : undefined,
    severities: filter.severity ? [filter.severity] : undefined,
  }, { placeholderData: (prev) => prev }));
  const rows = useMemo(() => arrangeOutages((list.data ?? []) as OutageRowData[]), [list.data]);
  const verifying = useMemo(() => rows.filter((r) => r.outage.status === "restored").length, [rows]);
  const open = rows.length - verifying;
  const filtered = JSON.stringify(filter) !== JSON.stringify(NO_FILTER);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_ESTIMATE_PX,
    getItemKey: (i) => rows[i]!.outage.id,
    overscan: 8,
  });
  // An outage opened from the map (or a search) is brought into the list's view: when it is opened,
  // not whenever a push moves it (that would pull the list away from where the person scrolled).
  const rowsNow = useRef(rows);
  rowsNow.current = rows;
  useEffect(() => {
    const index = selected ? rowsNow.current.findIndex((r) => r.outage.id === selected) : -1;
    if (index >= 0) virtualizer.scrollToIndex(index, { align: "auto" });
  }, [selected, virtualizer]);

  return (
    <div className="outage-list">
      <div className="filters" role="group" aria-label="Filter outages">
        <select aria-label="Substation" value={filter.substation} onChange={(e) => onFilter({ ...filter, substation: e.target.value })}>
          <option value="">All substations</option>
          {substations.map((s) => <option key={s.code} value={s.code}>{s.code} {s.name}</option>)}
        </select>
        <input aria-label="Feeder" placeholder="Feeder e.g. FD012" value={filter.feeder} onChange={(e) => onFilter({ ...filter, feeder: e.target.value })} />
        <select aria-label="Status" value={filter.status} onChange={(e) => onFilter({ ...filter, status: e.target.value as OutageFilterState["status"] })}>
          <option value="">Any status</option>
          <option value="detected">Detected</option>
          <option value="confirmed">Confirmed</option>
          <option value="in_progress">In progress</option>
        </select>
        <select aria-label="Severity" value={filter.severity} onChange={(e) => onFilter({ ...filter, severity: e.target.value as OutageFilterState["severity"] })}>
          <option value="">Any severity</option>
          <option value="critical">Critical</option>
          <option value="high">High</option>
          <option value="medium">Medium</option>
          <option value="low">Low</option>
        </select>
      </div>
      {list.error && <p className="form-error" role="alert">Could not load outages: {list.error.message}</p>}
      {list.isPending && <p className="muted list-count" role="status">Loading outages…</p>}
      {list.data && list.data.length > 0 && (
        <p className="muted list-count" data-testid="outage-count" role="status">
          {formatCount(open)} open{verifying > 0 && <> · {formatCount(verifying)} verifying</>}{filtered ? " (filtered)" : ""}
        </p>
      )}
      {list.data?.length === 0 && (
        <p className="empty" data-testid="no-outages">{filtered ? "No active outage matches the filter." : "No active outages. The network is whole."}</p>
      )}
      <div className="outage-scroll" ref={scroller}>
        <ul data-testid="outage-list" aria-label="Active outages" data-count={rows.length} data-verifying={verifying} style={{ height: virtualizer.getTotalSize() }}
          onKeyDown={(e) => moveFocus(e, virtualizer)}>
          {virtualizer.getVirtualItems().map((item) => {
            const { outage: o, depth } = rows[item.index]!;
            return (
              <li key={o.id} data-index={item.index} ref={virtualizer.measureElement} aria-setsize={rows.length} aria-posinset={item.index + 1}
                style={{ transform: `translateY(${item.start}px)` }}>
                <OutageRow o={o} depth={depth} selected={selected === o.id} onSelect={onSelect} timeZone={timeZone} now={now} />
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}

/**
 * Up and down arrows (and Home, End) move between rows: with hundreds of outages, Tab alone would
 * be a long walk. The virtualiser renders a few rows beyond the view (overscan), so the next row is
 * in the page; it is scrolled to first, then focused.
 */
function moveFocus(e: KeyboardEvent<HTMLUListElement>, virtualizer: { scrollToIndex: (i: number) => void; options: { count: number } }) {
  const row = (e.target as HTMLElement).closest<HTMLElement>("li[data-index]");
  if (!row) return;
  const at = Number(row.dataset.index);
  const last = virtualizer.options.count - 1;
  const to = e.key === "ArrowDown" ? at + 1 : e.key === "ArrowUp" ? at - 1 : e.key === "Home" ? 0 : e.key === "End" ? last : null;
  if (to === null || to < 0 || to > last) return;
  e.preventDefault();
  virtualizer.scrollToIndex(to);
  const list = e.currentTarget;
  const focusRow = (tries: number) => {
    const next = list.querySelector<HTMLElement>(`li[data-index="${to}"] .outage-row`);
    if (next) next.focus();
    else if (tries > 0) requestAnimationFrame(() => focusRow(tries - 1));
  };
  focusRow(10);
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { arrangeOutages } from "./arrangeOutages";
import { OutageRow, type OutageRowData } from "./OutageRow";

export interface OutageFilterState {
  substation: string;
  feeder: string;
  status: "" | "detected" | "confirmed" | "in_progress";
  severity: "" | "critical" | "high" | "medium" | "low";
}

export const NO_FILTER: OutageFilterState = { substation: "", feeder: "", status: "", severity: "" };

/** Outages holding customers dark, most severe and oldest first, then those verifying; nested ones under their parent. */
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
      {list.data?.length === 0 && (
        <p className="empty" data-testid="no-outages">{filter === NO_FILTER || JSON.stringify(filter) === JSON.stringify(NO_FILTER) ? "No active outages. The network is whole." : "No active outage matches the filter."}</p>
      )}
      <ul data-testid="outage-list" aria-label="Active outages">
        {arrangeOutages((list.data ?? []) as OutageRowData[]).map(({ outage: o, depth }) => (
          <li key={o.id}>
            <OutageRow o={o} depth={depth} selected={selected === o.id} onSelect={onSelect} timeZone={timeZone} now={now} />
          </li>
        ))}
      </ul>
    </div>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { formatAge, formatCount, formatPercent, formatTime } from "../format";

export interface OutageFilterState {
  substation: string;
  feeder: string;
  status: "" | "detected" | "confirmed" | "in_progress";
  severity: "" | "critical" | "high" | "medium" | "low";
}

export const NO_FILTER: OutageFilterState = { substation: "", feeder: "", status: "", severity: "" };

const SOURCE_LABELS = { scada: "SCADA", kaifa: "AMI", onu: "ONU", call_center: "Calls" } as const;

/** Active outages, most severe and oldest first, with what a dispatcher sorts by. */
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
        {list.data?.map((o) => (
          <li key={o.id}>
            <button type="button" className={`outage-row ${selected === o.id ? "selected" : ""}`} aria-pressed={selected === o.id}
              data-id={o.id} data-event-id={o.eventId} onClick={() => onSelect(o.id)}>
              <span className={`sev sev-${o.severity}`}>{o.severity}</span>
              <span className="row-main">
                <b>{o.level ? `${o.level.replace("_", " ")} ${o.deviceCode ?? ""}` : o.eventId}</b>
                <span className="muted"> · {o.status.replace("_", " ")}</span>
              </span>
              <span className="row-figures">
                <span title="Customers out"><b>{formatCount(o.customersOut)}</b> out</span>
                {o.criticalCustomersOut > 0 && <span className="critical" title="Critical customers">{formatCount(o.criticalCustomersOut)} critical</span>}
                <span title="Confidence">{formatPercent(o.confidence)}</span>
                <span title="Age">{formatAge(o.firstDetectedAt, now)}</span>
              </span>
              <span className="row-sources muted">
                {(Object.keys(SOURCE_LABELS) as Array<keyof typeof SOURCE_LABELS>).filter((k) => o.sources[k] > 0)
                  .map((k) => `${SOURCE_LABELS[k]} ${formatCount(o.sources[k])}`).join(" · ") || "no signals"}
                {o.etr && <> · ETR {formatTime(o.etr, timeZone)}</>}
                {o.crews > 0 && <> · {o.crews} crew{o.crews > 1 ? "s" : ""}</>}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

"use client";

import type { FeederSummary, SubstationNetworkSummary } from "../db/queries/networkSummary";
import { useQuery } from "@tanstack/react-query";
import { formatCount } from "./format";
import { useTRPC } from "./providers/trpc";

/** What is selected on the map from this list. */
export type SelectedDevice = { level: "substation" | "feeder"; code: string } | null;

interface Props {
  selected: SelectedDevice;
  onSelectSubstation(substation: SubstationNetworkSummary): void;
  onSelectFeeder(feeder: FeederSummary, substation: SubstationNetworkSummary): void;
}

const percent = (share: number) => `${share > 0 && share < 0.001 ? "<0.1" : (share * 100).toFixed(share >= 0.1 || share === 0 ? 0 : 1)}%`;

/** Customers out of served, and the share, as a bar: the length says how much of it is dark. */
function Share({ out, served, share }: { out: number; served: number; share: number }) {
  return (
    <span className="share" title={`${formatCount(out)} of ${formatCount(served)} customers out`}>
      <span className="share-figures"><b>{formatCount(out)}</b> / {formatCount(served)} out · <b data-testid="share-out">{percent(share)}</b></span>
      <span className="share-bar" aria-hidden="true"><span style={{ width: `${Math.min(100, share * 100)}%` }} /></span>
    </span>
  );
}

/**
 * The network by substation, worst first (share of customers out, then customers out), each with
 * its feeders worst first: those with customers out always, all of them for the selected
 * substation. Choosing one selects it on the map and centres it.
 */
export function SubstationList({ selected, onSelectSubstation, onSelectFeeder }: Props) {
  const trpc = useTRPC();
  // Fetched while the tab is shown (the control room prefetches it); pushes mark it stale.
  const query = useQuery(trpc.network.summary.queryOptions());
  const summary = query.data;
  if (query.error) return <p className="form-error" role="alert" style={{ padding: "0 16px" }}>Could not load the substations: {query.error.message}</p>;
  if (query.isPending) return <p className="meta" style={{ padding: "0 16px" }} role="status">Loading the network…</p>;
  if (!summary?.length) return <p className="meta" style={{ padding: "0 16px" }}>No substations in the network model yet.</p>;
  return (
    <ul data-testid="substation-list" className="network-summary" aria-label="Substations and feeders, worst first">
      {summary.map((s) => {
        const open = selected?.code === s.code || s.feeders.some((f) => f.code === selected?.code);
        const feeders = open ? s.feeders : s.feeders.filter((f) => f.customersOut > 0);
        return (
          <li key={s.id} data-status={s.status}>
            <button type="button" className={`summary-row ${selected?.level === "substation" && selected.code === s.code ? "selected" : ""}`}
              aria-pressed={selected?.level === "substation" && selected.code === s.code} onClick={() => onSelectSubstation(s)} data-code={s.code}>
              <span className="code">{s.code}</span>
              <span className="summary-name">{s.name}{s.outages > 0 && <span className="muted"> · {formatCount(s.outages)} outage{s.outages === 1 ? "" : "s"}</span>}</span>
              <Share out={s.customersOut} served={s.customersServed} share={s.shareOut} />
            </button>
            {feeders.length > 0 && (
              <ul className="feeder-rows" aria-label={`Feeders of ${s.code}`}>
                {feeders.map((f) => (
                  <li key={f.id}>
                    <button type="button" className={`summary-row feeder-row ${selected?.level === "feeder" && selected.code === f.code ? "selected" : ""}`}
                      aria-pressed={selected?.level === "feeder" && selected.code === f.code} data-feeder={f.code} data-status={f.status}
                      onClick={() => onSelectFeeder(f, s)}>
                      <span className="code">{f.code}</span>
                      <span className="summary-name">{f.name}</span>
                      <Share out={f.customersOut} served={f.customersServed} share={f.shareOut} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}

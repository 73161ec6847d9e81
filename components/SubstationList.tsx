"use client";

import type { SubstationSummary } from "../db/queries/map";
import { formatCount } from "./format";

interface Props {
  substations: SubstationSummary[] | undefined;
  loading: boolean;
  onSelect(substation: SubstationSummary): void;
}

export function SubstationList({ substations, loading, onSelect }: Props) {
  if (loading) return <p className="meta" style={{ padding: "0 16px" }}>Loading the network…</p>;
  if (!substations?.length) return <p className="meta" style={{ padding: "0 16px" }}>No substations in the network model yet.</p>;
  return (
    <ul data-testid="substation-list">
      {substations.map((s) => (
        <li key={s.id}>
          <button type="button" onClick={() => onSelect(s)} data-code={s.code}>
            <span className="code">{s.code}</span>
            <span>{s.name}</span>
            <span className="meta">{formatCount(s.feederCount)} feeders · {formatCount(s.meterCount)} meters · {s.capacityMva} MVA</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

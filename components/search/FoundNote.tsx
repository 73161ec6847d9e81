"use client";

import type { SearchHit } from "../../db/queries/search";
import { stateLabel } from "./stateLabel";

/** What a search found when it has no live outage to open: where it is (centred, outlined) and its state. */
export function FoundNote({ hit, onClose }: { hit: SearchHit; onClose(): void }) {
  return (
    <div className="found-note" data-testid="search-found" data-kind={hit.kind} data-code={hit.code} data-state={hit.state ?? ""} role="status">
      <div>
        <b>{hit.title}</b>
        <div className="muted">{hit.detail}</div>
        <div className={`found-state state-${hit.state ?? "none"}`}>{hit.state ? stateLabel(hit.kind, hit.state) : "state not known"}</div>
      </div>
      <button type="button" className="icon" aria-label="Close" onClick={onClose}>×</button>
    </div>
  );
}

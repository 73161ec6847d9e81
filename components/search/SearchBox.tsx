"use client";

import { useEffect, useId, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import type { SearchHit } from "../../db/queries/search";
import { stateLabel } from "./stateLabel";

/** Typing pauses this long before the server is asked (results as you type, not per keystroke). */
const DEBOUNCE_MS = 150;

const KIND_LABELS: Record<SearchHit["kind"], string> = {
  outage: "Outage", customer: "Customer", meter: "Meter", substation: "Substation", feeder: "Feeder", distribution_point: "Point",
};

/**
 * The control room's one search box (a combobox): customers by name, number, phone in any
 * spelling or address, meters, event ids and device codes, answered as the text is typed.
 * Arrow keys move through the answers, Enter chooses, Escape closes.
 */
export function SearchBox({ onChoose }: { onChoose(hit: SearchHit): void }) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [asked, setAsked] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const t = setTimeout(() => setAsked(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text]);
  const results = useQuery(trpc.search.everything.queryOptions({ text: asked }, {
    enabled: asked.length >= 2, placeholderData: (prev) => prev, staleTime: 5_000,
  }));
  const hits = asked.length >= 2 ? results.data ?? [] : [];
  useEffect(() => setActive(0), [results.data]);
  const choose = (hit: SearchHit | undefined) => {
    if (!hit) return;
    setOpen(false);
    onChoose(hit);
  };
  const showList = open && asked.length >= 2;

  return (
    <div className="search" role="search">
      <input ref={input} type="search" role="combobox" aria-label="Search customers, phones, meters, addresses, outages, devices"
        placeholder="Search name, phone, meter, address, event, feeder…" value={text} autoComplete="off" spellCheck={false}
        aria-expanded={showList} aria-controls={listId} aria-autocomplete="list"
        aria-activedescendant={showList && hits[active] ? `${listId}-${active}` : undefined}
        onChange={(e) => { setText(e.target.value); setOpen(true); }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") { e.preventDefault(); setOpen(true); setActive((i) => Math.min(i + 1, hits.length - 1)); }
          else if (e.key === "ArrowUp") { e.preventDefault(); setActive((i) => Math.max(i - 1, 0)); }
          else if (e.key === "Enter") { e.preventDefault(); choose(hits[active]); }
          else if (e.key === "Escape") setOpen(false);
        }} />
      {showList && (
        <ul id={listId} role="listbox" className="search-results" data-testid="search-results" aria-label="Search results" aria-busy={results.isFetching}>
          {results.error && <li className="form-error" role="alert">Search failed: {results.error.message}</li>}
          {!results.error && hits.length === 0 && !results.isFetching && <li className="muted search-empty">Nothing found for “{asked}”</li>}
          {hits.map((h, i) => (
            <li key={h.key} id={`${listId}-${i}`} role="option" aria-selected={i === active} data-kind={h.kind} data-code={h.code}
              className={i === active ? "active" : ""} onMouseDown={(e) => e.preventDefault()} onClick={() => choose(h)} onMouseEnter={() => setActive(i)}>
              <span className="search-kind">{KIND_LABELS[h.kind]}</span>
              <span className="search-title">{h.title}</span>
              <span className="search-detail muted">{h.detail}</span>
              <span className="search-state muted">
                {h.kind !== "outage" && h.outageEventId ? <>in outage <b>{h.outageEventId}</b></> : h.state ? stateLabel(h.kind, h.state) : ""}
                {h.matched !== "code" && h.matched !== "event id" && <> · by {h.matched}</>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

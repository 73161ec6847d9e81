import { formatCount } from "../format";

export type PhoneView = "list" | "map";

/**
 * On a phone the list panel and the map are two tabs, one shown at a time (app/globals.css,
 * "Phones"); the List tab carries the open outages' count so it is seen from the map too.
 * Hidden on wider screens, where both are side by side.
 */
export function PhoneTabs({ view, onView, openOutages }: { view: PhoneView; onView: (v: PhoneView) => void; openOutages: number | undefined }) {
  return (
    <div className="phone-tabs" role="tablist" aria-label="List or map">
      <button type="button" role="tab" aria-selected={view === "list"} aria-controls="control-room-list" onClick={() => onView("list")}
        aria-label={`List, ${formatCount(openOutages)} open outages`}>
        List <span className="phone-tab-count" data-testid="phone-open-outages">{formatCount(openOutages)}</span>
      </button>
      <button type="button" role="tab" aria-selected={view === "map"} aria-controls="control-room-map" onClick={() => onView("map")}>Map</button>
    </div>
  );
}

/** The top bar's ☰ on a phone: opens the links, sound and storm switch that do not fit beside the counts. */
export function PhoneMenuButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <button type="button" className="phone-menu-button" aria-expanded={open} aria-controls="control-room-topbar" aria-label="Menu" onClick={onToggle}>
      <span aria-hidden="true">{open ? "✕" : "☰"}</span>
    </button>
  );
}

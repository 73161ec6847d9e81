import type { DailyFigure, FeederIndices } from "../../server/reliability/report";

/** One CSV field: quoted when it holds a comma, quote or line break; empty for null. */
function field(v: string | number | boolean | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: string[], rows: Array<Array<string | number | boolean | null>>): string {
  return [header, ...rows].map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";
}

/** Each day of the period (dates in the utility's zone; SAIDI in minutes). */
export function dailyCsv(days: DailyFigure[]): string {
  return csv(
    ["day", "major_event_day", "system_saidi_minutes", "customer_interruptions", "customer_minutes", "saifi", "saidi_minutes", "momentary_events"],
    days.map((d) => [d.day, d.major_event_day, d.system_saidi, d.customer_interruptions, d.customer_minutes, d.saifi, d.saidi, d.momentary_events]),
  );
}

/** Each feeder of the level, with and without major event days. */
export function feedersCsv(feeders: FeederIndices[]): string {
  return csv(
    ["feeder", "substation", "customers_served", "saifi", "saidi_minutes", "caidi_minutes", "caifi", "maifi_e",
      "saifi_excluding_med", "saidi_excluding_med_minutes", "caidi_excluding_med_minutes"],
    feeders.map((f) => [f.feeder, f.substation, f.customers_served, f.saifi, f.saidi, f.caidi, f.caifi, f.maifi_e,
      f.excluding_major_events.saifi, f.excluding_major_events.saidi, f.excluding_major_events.caidi]),
  );
}

/** Worst first by an index without major event days (what a worst-feeder list is used for); ties by code. */
export function worstFeeders(feeders: FeederIndices[], index: "saidi" | "saifi", n = 10): FeederIndices[] {
  return feeders
    .filter((f) => (f.excluding_major_events[index] ?? 0) > 0)
    .sort((a, b) => (b.excluding_major_events[index] ?? 0) - (a.excluding_major_events[index] ?? 0) || a.feeder.localeCompare(b.feeder))
    .slice(0, n);
}

/** Saves text as a file from the browser. */
export function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

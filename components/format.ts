const countFormat = new Intl.NumberFormat("en");

/** 20000 → "20,000"; unknown → an en dash placeholder of stable width. */
export function formatCount(n: number | undefined | null): string {
  return n === undefined || n === null ? "–" : countFormat.format(n);
}

/**
 * An instant in the utility's time zone, e.g. "22 Nov, 14:05" (with `seconds`, "22 Nov, 14:05:09").
 * Until the zone has loaded it is a placeholder: the browser's own zone would show a dispatcher
 * abroad, or a machine set to UTC, a wrong hour that looks right.
 */
export function formatTime(iso: string | Date, timeZone: string | undefined, { seconds = false } = {}): string {
  if (!timeZone) return "–";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "–";
  return new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: seconds ? "2-digit" : undefined, hourCycle: "h23" }).format(at);
}

/** An ISO 8601 instant inside free text ("…set to 2026-11-30T08:38:00.000Z by …"), or "2026-11-30 08:38 UTC". */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| UTC\b)/g;

/**
 * Free text written by the server (timeline descriptions, audit details, crew notes) with every
 * instant in it rewritten in the utility's zone. Older entries were written with UTC ISO strings;
 * whatever the server writes, the screen never shows a raw one.
 */
export function localizeTimes(text: string, timeZone: string | undefined): string {
  return text.replace(ISO_INSTANT, (match) => formatTime(match.replace(" UTC", "Z").replace(" ", "T"), timeZone));
}

/** How long ago, for reading at a glance: "4 min", "2 h 05", "3 d". */
export function formatAge(iso: string, now: number = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")}`;
  return `${Math.floor(minutes / 1440)} d`;
}

export const formatPercent = (x: number) => `${Math.round(x * 100)}%`;

/** A datetime-local input's value (in the utility's zone) for an instant, and back. */
export function toLocalInput(date: Date, timeZone?: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function fromLocalInput(value: string, timeZone?: string): Date {
  // Interpret the wall-clock value in the zone: guess as UTC, then correct by the zone's offset then.
  const guess = new Date(`${value}:00Z`);
  const shown = toLocalInput(guess, timeZone);
  const drift = new Date(`${shown}:00Z`).getTime() - guess.getTime();
  return new Date(guess.getTime() - drift);
}

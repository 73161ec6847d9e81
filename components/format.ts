const countFormat = new Intl.NumberFormat("en");

/** 20000 → "20,000"; unknown → an en dash placeholder of stable width. */
export function formatCount(n: number | undefined | null): string {
  return n === undefined || n === null ? "–" : countFormat.format(n);
}

/** An instant in the utility's time zone, e.g. "22 Nov, 14:05"; the browser's zone until the setting loads. */
export function formatTime(iso: string | Date, timeZone?: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
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

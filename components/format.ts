const countFormat = new Intl.NumberFormat("en");

/** 20000 → "20,000"; unknown → an en dash placeholder of stable width. */
export function formatCount(n: number | undefined | null): string {
  return n === undefined || n === null ? "–" : countFormat.format(n);
}

/** An instant in the utility's time zone, e.g. "22 Nov, 14:05"; the browser's zone until the setting loads. */
export function formatTime(iso: string | Date, timeZone?: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

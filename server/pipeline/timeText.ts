/**
 * An instant as the control room reads it in timeline text: in the utility's time zone, e.g.
 * "30 Nov, 10:38" — the same form the pages use (components/format.ts), never a raw UTC string.
 */
export function utilityTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(at);
}

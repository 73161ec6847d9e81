/**
 * A 24-hour time as a person types it: "14:05", "1405", "9:05", "905" (the colon optional, the
 * hour's leading zero too). The field's `pattern` (the browser's check before a form is sent) and
 * parseTime24 below say the same; tests/ui-time24.test.ts holds them to it.
 */
export const TIME24_PATTERN = "([01]?\\d|2[0-3]):?[0-5]\\d";
const TIME24 = /^\s*([01]?\d|2[0-3]):?([0-5]\d)\s*$/;

/** The typed time as "HH:MM", or null if it is not a 24-hour time ("2:05 PM", "24:00", "14:60"). */
export function parseTime24(text: string): string | null {
  const m = TIME24.exec(text);
  return m ? `${m[1]!.padStart(2, "0")}:${m[2]}` : null;
}

const DAY_WORDS = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" });

/**
 * A date field's "2025-12-02" in words, "Tue, 2 Dec 2025", shown beside the browser's date picker:
 * the picker writes the date in the machine's order (12/02/2025 on an en-US machine, read as
 * 12 February by most of the world), the words cannot be misread. "" for anything else.
 */
export function dateWords(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? DAY_WORDS.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))) : "";
}

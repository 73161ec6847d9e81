import { describe, expect, it } from "vitest";
import { dateWords, parseTime24, TIME24_PATTERN } from "../components/time/time24";

// The date-and-time fields (components/time/DateTimeInput.tsx) take a typed 24-hour time, never AM/PM.
describe("a typed 24-hour time", () => {
  it.each([
    ["14:05", "14:05"], ["1405", "14:05"], ["9:05", "09:05"], ["905", "09:05"], ["00:00", "00:00"], ["23:59", "23:59"], [" 07:30 ", "07:30"],
  ])("%j reads as %s", (typed, time) => {
    expect(parseTime24(typed)).toBe(time);
  });

  it.each(["2:05 PM", "14:05 am", "24:00", "14:60", "1:5", "", "14", "12345", "14-05"])("%j is refused", (typed) => {
    expect(parseTime24(typed)).toBeNull();
  });

  it("the field's pattern (the browser's own check before a form is sent) agrees", () => {
    const browser = new RegExp(`^(?:${TIME24_PATTERN})$`, "v");
    for (const typed of ["14:05", "1405", "905", "24:00", "2:05 PM", "14:60"]) expect(browser.test(typed)).toBe(parseTime24(typed) !== null);
  });
});

describe("a picked date in words, whatever order the picker writes it in", () => {
  it.each([
    ["2025-12-02", "Tue, 2 Dec 2025"], ["2026-02-12", "Thu, 12 Feb 2026"], ["2024-02-29", "Thu, 29 Feb 2024"], ["", ""], ["12/02/2025", ""],
  ])("%j is %j", (day, words) => {
    expect(dateWords(day)).toBe(words);
  });
});

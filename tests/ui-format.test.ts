import { describe, expect, it } from "vitest";
import { formatTime, localizeTimes } from "../components/format";

// Amman is UTC+3 all year (since 2022); New York is there to prove the zone is the argument's, not the machine's.
describe("times on screen are the utility's", () => {
  it.each([
    ["2026-11-30T08:38:00.000Z", "Asia/Amman", "30 Nov, 11:38"],
    ["2026-11-30T22:05:00Z", "Asia/Amman", "1 Dec, 01:05"],
    ["2026-11-30T08:38:00.000Z", "America/New_York", "30 Nov, 03:38"],
  ])("formatTime(%s, %s) = %s", (iso, zone, shown) => {
    expect(formatTime(iso, zone)).toBe(shown);
  });

  it("shows a placeholder, not the browser's zone, until the utility's zone is known", () => {
    expect(formatTime("2026-11-30T08:38:00.000Z", undefined)).toBe("–");
  });

  it("adds seconds when asked (momentary interruptions last seconds)", () => {
    expect(formatTime("2026-11-30T08:38:07.400Z", "Asia/Amman", { seconds: true })).toBe("30 Nov, 11:38:07");
  });

  it.each([
    ["Estimated restoration set to 2026-11-30T08:38:00.000Z by dispatcher", "Estimated restoration set to 30 Nov, 11:38 by dispatcher"],
    ["moved from 2026-11-30T08:00:00.000Z set to 2026-11-30T09:15:00Z", "moved from 30 Nov, 11:00 set to 30 Nov, 12:15"],
    ["expected back by 2026-11-30 08:38 UTC.", "expected back by 30 Nov, 11:38."],
    ["with an offset 2026-11-30T11:38:00+03:00", "with an offset 30 Nov, 11:38"],
    ["Restored by crew CRW01: fuse replaced; all meters back", "Restored by crew CRW01: fuse replaced; all meters back"],
    ["a date alone 2026-11-30 is not an instant", "a date alone 2026-11-30 is not an instant"],
  ])("localizeTimes(%j)", (text, shown) => {
    expect(localizeTimes(text, "Asia/Amman")).toBe(shown);
  });
});

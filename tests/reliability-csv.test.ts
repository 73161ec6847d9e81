import { describe, expect, it } from "vitest";
import { dailyCsv, feedersCsv, worstFeeders } from "../components/reports/csv";
import type { FeederIndices } from "../server/reliability/report";

const feeder = (code: string, saidi: number | null, saifi: number | null, all = saidi): FeederIndices => ({
  feeder: code, substation: "SS001", customers_served: 100, saifi, saidi: all, caidi: null, caifi: null, maifi_e: 0,
  excluding_major_events: { saifi, saidi, caidi: null },
});

describe("Reports page: worst feeders and CSV", () => {
  it("ranks feeders by an index without major event days, worst first, ties by code, none without interruptions", () => {
    const list = [feeder("FD3", 10, 0.5), feeder("FD1", 40, 0.2, 400), feeder("FD2", 10, 0.9), feeder("FD4", 0, 0), feeder("FD5", null, null)];
    expect(worstFeeders(list, "saidi").map((f) => f.feeder)).toEqual(["FD1", "FD2", "FD3"]);
    expect(worstFeeders(list, "saifi").map((f) => f.feeder)).toEqual(["FD2", "FD3", "FD1"]);
    expect(worstFeeders(list, "saidi", 1).map((f) => f.feeder)).toEqual(["FD1"]);
  });

  it("writes RFC 4180 CSV: a header, one line per day or feeder, quoted fields, empty for null", () => {
    const daily = dailyCsv([{ day: "2026-03-20", major_event_day: true, system_saidi: 27.5, customer_interruptions: 5, customer_minutes: 275, saifi: 0.5, saidi: 27.5, momentary_events: 6 }]);
    expect(daily).toBe("day,major_event_day,system_saidi_minutes,customer_interruptions,customer_minutes,saifi,saidi_minutes,momentary_events\r\n2026-03-20,true,27.5,5,275,0.5,27.5,6\r\n");
    const rows = feedersCsv([{ ...feeder('FD "North", 1', 5, 0.1), substation: "SS001" }]).split("\r\n");
    expect(rows[1]).toBe('"FD ""North"", 1",SS001,100,0.1,5,,,0,0.1,5,');
  });
});

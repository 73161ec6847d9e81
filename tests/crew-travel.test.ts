import { describe, expect, it } from "vitest";
import { HEARTBEAT_MS, MIN_GAP_MS, MOVE_METERS, shouldSend, type Fix } from "../components/crew/positionThrottle";
import { crewFeatures, positionWords } from "../components/map/crewFeatures";
import { crewPlace, POSITION_FRESH_MINUTES, travel } from "../server/operations/crewTravel";
import type { CrewListRow } from "../server/trpc/routers/crews";

const t0 = Date.parse("2026-11-30T20:00:00Z");
/** A fix `north` metres north of a fixed point, taken `afterMs` after t0. */
const fix = (north: number, afterMs: number): Fix => ({ lat: 31.95 + north / 111_195, lng: 35.91, accuracy: 10, at: t0 + afterMs });

describe("how often a crew's phone sends its position", () => {
  it.each([
    ["the first fix, at once", null, fix(0, 0), t0, true],
    ["a 60 m move 6 s after the last", { fix: fix(0, 0), sentAt: t0 }, fix(60, 6_000), t0 + 6_000, true],
    ["a 60 m move 2 s after the last (too soon)", { fix: fix(0, 0), sentAt: t0 }, fix(60, 2_000), t0 + 2_000, false],
    ["a 30 m drift 20 s after (not a move)", { fix: fix(0, 0), sentAt: t0 }, fix(30, 20_000), t0 + 20_000, false],
    ["standing still for a minute (heartbeat)", { fix: fix(0, 0), sentAt: t0 }, fix(0, HEARTBEAT_MS), t0 + HEARTBEAT_MS, true],
    ["the same fix again a minute later (nothing new)", { fix: fix(0, 0), sentAt: t0 }, fix(0, 0), t0 + HEARTBEAT_MS, false],
  ] as const)("%s", (_, last, latest, now, send) => {
    expect(shouldSend(last, latest, now)).toBe(send);
  });
  it("keeps to the documented figures", () => {
    expect([MOVE_METERS, MIN_GAP_MS, HEARTBEAT_MS]).toEqual([50, 5_000, 60_000]);
  });
});

describe("where a crew is taken to be, and how long it takes to get somewhere", () => {
  const crew = (positionAt: string | null): CrewListRow => ({
    id: 1, code: "CRW01", name: "Line Crew 1", status: "available", lat: 31.99, lng: 35.95, positionAt, accuracy: 12,
    depotLat: 31.9, depotLng: 35.9, depot: "Abdali", outage: null,
  });
  it("uses a position fixed within the last ten minutes, else the depot", () => {
    const at = (minutesAgo: number) => new Date(t0 - minutesAgo * 60_000).toISOString();
    expect(crewPlace(crew(at(3)), t0)).toEqual({ lat: 31.99, lng: 35.95, from: "position", ageMinutes: 3 });
    expect(crewPlace(crew(at(POSITION_FRESH_MINUTES)), t0).from).toBe("position");
    expect(crewPlace(crew(at(POSITION_FRESH_MINUTES + 1)), t0)).toEqual({ lat: 31.9, lng: 35.9, from: "depot", ageMinutes: 11 });
    expect(crewPlace(crew(null), t0)).toEqual({ lat: 31.9, lng: 35.9, from: "depot", ageMinutes: null });
    expect(positionWords(crew(at(3)), t0)).toBe("3 min ago ±12 m");
    expect(positionWords(crew(at(12)), t0)).toBe("at depot · last position 12 min ago");
    expect(positionWords(crew(null), t0)).toBe("at depot · no position reported");
    const [drawn] = crewFeatures([crew(at(12))], t0).features;
    expect(drawn.geometry.coordinates).toEqual([35.9, 31.9]);
    expect(drawn.properties).toMatchObject({ atDepot: true, code: "CRW01" });
  });
  it.each([
    [1000, 1300, 3],
    [10_000, 13_000, 26],
    [0, 0, 1],
  ])("%i m in a straight line is %i m by road, %i min at 30 km/h", (straight, road, minutes) => {
    expect(travel(straight)).toEqual({ roadMeters: road, minutes });
  });
});

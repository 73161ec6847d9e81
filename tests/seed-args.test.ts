import { describe, expect, it } from "vitest";
import { parseSeedArgs, UsageError } from "../scripts/seed-args";

describe("seed command line", () => {
  it.each([
    [[], { kind: "seed", sizes: {}, reset: false }],
    [["--help"], { kind: "help" }],
    [["--meters", "200000", "--history-days", "365"], { kind: "seed", sizes: { meters: 200_000 }, reset: false, historyDays: 365 }],
    [["--meters", "200_000", "--reset"], { kind: "seed", sizes: { meters: 200_000 }, reset: true }],
    [
      ["--meters=1000", "--distribution-points", "90", "--feeders", "6", "--substations", "2", "--crews", "4", "--seed", "0"],
      { kind: "seed", sizes: { meters: 1000, distributionPoints: 90, feeders: 6, substations: 2, crews: 4, seed: 0 }, reset: false },
    ],
  ])("parses %j", (argv, expected) => {
    expect(parseSeedArgs(argv)).toEqual(expected);
  });

  it.each([
    [["--meters", "ten"], /--meters must be a whole number/],
    [["--meters", "0"], /--meters must be a whole number from 1/],
    [["--feeders", "-3"], /feeders/],
    [["--seed", "1.5"], /--seed/],
    [["--meters"], /--meters/],
    [["--colour", "red"], /--colour/],
    [["extra"], /extra/],
    [["--history-days", "0"], /--history-days must be a whole number from 1/],
    [["--history-days", "a year"], /--history-days/],
  ])("rejects %j naming the flag", (argv, message) => {
    expect(() => parseSeedArgs(argv)).toThrow(UsageError);
    expect(() => parseSeedArgs(argv)).toThrow(message);
  });
});

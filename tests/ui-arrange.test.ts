import { describe, expect, it } from "vitest";
import { arrangeOutages } from "../components/outages/arrangeOutages";

const open = (id: string, parentOutageId: string | null = null) => ({ id, status: "confirmed", verifying: false, parentOutageId });
const verifying = (id: string, parentOutageId: string | null = null) => ({ id, status: "restored", verifying: true, parentOutageId });
const order = (rows: Parameters<typeof arrangeOutages>[0]) => arrangeOutages(rows).map((r) => `${"  ".repeat(r.depth)}${r.outage.id}`);

describe("the outage list's order", () => {
  it.each([
    { name: "keeps the server's order of open outages", rows: [open("a"), open("b"), open("c")], want: ["a", "b", "c"] },
    { name: "puts verifying ones after every open one", rows: [verifying("v"), open("a"), open("b")], want: ["a", "b", "v"] },
    { name: "nests a child under its listed parent", rows: [open("a"), open("p"), open("b"), open("c", "p")], want: ["a", "p", "  c", "b"] },
    { name: "an open nested outage brings its verifying parent up with it", rows: [open("a"), open("c", "p"), open("b"), verifying("p")], want: ["a", "p", "  c", "b"] },
    { name: "a child whose parent is not listed stays where it is", rows: [open("a"), open("c", "gone"), open("b")], want: ["a", "c", "b"] },
    { name: "grandchildren nest twice", rows: [open("g", "c"), open("c", "p"), open("p")], want: ["p", "  c", "    g"] },
    { name: "a parent cycle in bad data loses no row", rows: [open("x", "y"), open("y", "x")], want: ["x", "y"] },
    { name: "rows of an older server without the new fields", rows: [{ id: "a", status: "confirmed" }, { id: "r", status: "restored" }, { id: "b", status: "detected" }], want: ["a", "b", "r"] },
  ])("$name", ({ rows, want }) => {
    expect(order(rows)).toEqual(want);
  });
});

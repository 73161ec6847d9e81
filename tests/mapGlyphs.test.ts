import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Pbf from "pbf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapAssetsRouter } from "../server/map/router";

interface Glyph { id: number; bitmap?: Uint8Array; width: number; height: number; left: number; top: number; advance: number }

/** A glyph PBF read the way MapLibre reads one (style/parse_glyph_pbf.ts): stacks, then glyphs. */
function readGlyphPbf(bytes: Uint8Array): { name: string; range: string; glyphs: Glyph[] }[] {
  return new Pbf(bytes).readFields((tag, stacks: { name: string; range: string; glyphs: Glyph[] }[], pbf) => {
    if (tag !== 1) return;
    stacks.push(pbf!.readMessage((t, s: { name: string; range: string; glyphs: Glyph[] }, p) => {
      if (t === 1) s.name = p!.readString();
      else if (t === 2) s.range = p!.readString();
      else if (t === 3) s.glyphs.push(p!.readMessage((g, glyph: Glyph, q) => {
        if (g === 1) glyph.id = q!.readVarint();
        else if (g === 2) glyph.bitmap = q!.readBytes();
        else if (g === 3) glyph.width = q!.readVarint();
        else if (g === 4) glyph.height = q!.readVarint();
        else if (g === 5) glyph.left = q!.readSVarint();
        else if (g === 6) glyph.top = q!.readSVarint();
        else if (g === 7) glyph.advance = q!.readVarint();
      }, { id: -1, width: 0, height: 0, left: 0, top: 0, advance: 0 }));
    }, { name: "", range: "", glyphs: [] }));
  }, []);
}

describe("map glyphs route", () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.use("/map", mapAssetsRouter());
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const glyphs = (fontstack: string, range: string) => fetch(`${base}/map/glyphs/${encodeURIComponent(fontstack)}/${range}`);

  it("serves Basic Latin as SDF glyphs MapLibre can read, cacheable", async () => {
    const res = await glyphs("Noto Sans Regular", "0-255.pbf");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    expect(res.headers.get("cache-control")).toBe("public, max-age=86400");
    const [stack, ...more] = readGlyphPbf(new Uint8Array(await res.arrayBuffer()));
    expect(more).toHaveLength(0);
    expect(stack).toMatchObject({ name: "Noto Sans Regular", range: "0-255" });
    const byId = new Map(stack!.glyphs.map((g) => [g.id, g]));
    // Every printable ASCII character is there.
    for (let c = 0x21; c < 0x7f; c++) expect(byId.get(c)?.width, String.fromCharCode(c)).toBeGreaterThan(0);
    const space = byId.get(0x20)!;
    expect(space).toMatchObject({ width: 0, height: 0 });
    expect(space.advance).toBeGreaterThan(3);
    // "I": a vertical bar; its SDF is inside (above the 192 edge) on the bar, well outside at the corner (about 4 px from the outline).
    const I = byId.get(0x49)!;
    const w = I.width + 6, h = I.height + 6;
    expect(I.bitmap).toHaveLength(w * h);
    expect(I.bitmap![Math.floor(h / 2) * w + Math.floor(w / 2)]).toBeGreaterThan(192);
    expect(I.bitmap![0]).toBeLessThan(100);
    expect(I.height).toBeGreaterThan(14); // a capital at 24 px is about 17 px tall
    expect(I.height).toBeLessThan(20);
    // "g" descends below the baseline that "x" sits on: its top is as high, its bottom lower.
    const g = byId.get(0x67)!, x = byId.get(0x78)!;
    expect(g.top - g.height).toBeLessThan(x.top - x.height - 3);
  });

  it("serves Arabic letters and the presentation forms the RTL plugin shapes text into", async () => {
    const arabic = readGlyphPbf(new Uint8Array(await (await glyphs("Noto Sans Regular", "1536-1791.pbf")).arrayBuffer()))[0]!;
    expect(arabic.glyphs.find((g) => g.id === 0x0627)?.height).toBeGreaterThan(10); // alef
    const forms = readGlyphPbf(new Uint8Array(await (await glyphs("Noto Sans Bold", "65024-65279.pbf")).arrayBuffer()))[0]!;
    // alef final, beh initial, lam-alef ligature
    for (const id of [0xfe8e, 0xfe91, 0xfefb]) expect(forms.glyphs.find((g) => g.id === id)?.width, id.toString(16)).toBeGreaterThan(0);
  });

  it("answers a range no font covers with a valid, empty stack", async () => {
    const res = await glyphs("Noto Sans Regular", "57344-57599.pbf"); // private use area
    expect(res.status).toBe(200);
    expect(readGlyphPbf(new Uint8Array(await res.arrayBuffer()))[0]).toMatchObject({ range: "57344-57599", glyphs: [] });
  });

  it.each([
    ["0-254.pbf"], ["1-256.pbf"], ["256-0.pbf"], ["65536-65791.pbf"], ["0-255.png"], ["abc.pbf"], ["0-255"],
  ])("refuses the range %s with 400 naming it", async (range) => {
    const res = await glyphs("Noto Sans Regular", range);
    expect(res.status).toBe(400);
    expect((await res.json()).issues).toEqual([expect.objectContaining({ path: "range" })]);
  });

  it("answers 404 naming a font it does not carry, 400 for a stack name past any real one", async () => {
    const res = await glyphs("Noto Sans Regular,Comic Sans MS", "0-255.pbf");
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.message).toContain("Comic Sans MS");
    expect(body.issues).toEqual([{ path: "fontstack", message: "unknown font Comic Sans MS" }]);
    const long = await glyphs("x".repeat(500), "0-255.pbf");
    expect(long.status).toBe(400);
    expect((await long.json()).issues[0].path).toBe("fontstack");
  });

  it("serves the RTL text plugin from the app's own packages", async () => {
    const res = await fetch(`${base}/map/mapbox-gl-rtl-text.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("javascript");
    expect(res.headers.get("cache-control")).toContain("max-age=86400");
    expect(await res.text()).toContain("WebAssembly");
  });
});

import { describe, expect, it } from "vitest";
import { LABEL_LAYERS } from "../components/map/labelLayers";
import { LAYERS, networkLayers } from "../components/map/layers";

/**
 * MapLibre draws layers in order, the last on top. The customers out written on an outage, a
 * cluster and the open outage must be readable whatever sits there: on a phone's overview a crew
 * waiting at its depot beside a substation used to cover a digit of a cluster's count ("2?3").
 */
describe("the map's layer order", () => {
  const order = networkLayers.map((l) => l.id);
  const at = (id: string) => {
    const i = order.indexOf(id);
    expect(i, `${id} is a layer`).toBeGreaterThanOrEqual(0);
    return i;
  };
  const counts = [LABEL_LAYERS.clusterLabels, LABEL_LAYERS.outages, LABEL_LAYERS.selectedLabel];
  const symbolsBelow = [LAYERS.crews, LAYERS.highlightPoint, LAYERS.substations, LAYERS.selected, LAYERS.selectedFill, LAYERS.outages, LABEL_LAYERS.clusters];

  it.each(counts)("draws %s above every circle and ring", (count) => {
    for (const below of symbolsBelow) expect(at(count), `${count} over ${below}`).toBeGreaterThan(at(below));
  });

  it("keeps crews above the outage circles and clusters, so a crew on site stays visible", () => {
    expect(at(LAYERS.crews)).toBeGreaterThan(at(LAYERS.outages));
    expect(at(LAYERS.crews)).toBeGreaterThan(at(LABEL_LAYERS.clusters));
  });
});

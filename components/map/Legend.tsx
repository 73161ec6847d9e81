import { crewColors, severityColors, supplyColors as stateColors } from "../palette";

export function Legend() {
  return (
    <details className="legend" aria-label="Legend" open>
      <summary>Legend</summary>
      <div><span className="dot" style={{ background: stateColors.energized }} /> Substation</div>
      <div><span className="swatch" style={{ background: stateColors.energized }} /> Feeder energized</div>
      <div><span className="swatch" style={{ background: stateColors.partial }} /> Feeder partly out</div>
      <div><span className="swatch" style={{ background: stateColors.de_energized }} /> Feeder de-energized</div>
      <div><span className="dot" style={{ background: stateColors.energized, width: 8, height: 8, borderWidth: 1 }} /> Distribution point (zoom in)</div>
      <div>
        Crew:{" "}
        {(["available", "en_route", "on_site"] as const).map((name) => (
          <span key={name} style={{ display: "inline-flex", alignItems: "center", gap: 3, marginLeft: 4 }}>
            <span className="dot" style={{ background: crewColors[name], borderColor: "#0b1320", width: 9, height: 9 }} />{name.replace("_", " ")}
          </span>
        ))}
      </div>
      <div>
        Outage by severity:{" "}
        {Object.entries(severityColors).map(([name, color]) => (
          <span key={name} style={{ display: "inline-flex", alignItems: "center", gap: 3, marginLeft: 4 }}>
            <span className="dot" data-severity={name} style={{ background: color, borderColor: color, width: 9, height: 9 }} />{name}
          </span>
        ))}
      </div>
    </details>
  );
}

import { crewColors, severityColors, supplyColors } from "../palette";
import { feederCues, meterCues, pointCues, severityCues, type CircleCue } from "./powerCues";
import type { Severity } from "../palette";

/** A feeder's line as the map draws it: colour, width and dashes (in line widths, as MapLibre counts them). */
function LineSwatch({ state }: { state: keyof typeof feederCues }) {
  const c = feederCues[state];
  const width = 2.5 * c.width;
  return (
    <svg width="26" height="10" aria-hidden="true">
      <line x1="1" y1="5" x2="25" y2="5" stroke={c.color} strokeWidth={width} strokeDasharray={c.dash ? c.dash.map((d) => d * width).join(" ") : undefined} />
    </svg>
  );
}

/** A circle as the map draws it: fill, ring and relative size. */
function CircleSwatch({ cue, radius = 3.5 }: { cue: CircleCue; radius?: number }) {
  const r = radius * cue.scale;
  return (
    <svg width="18" height="18" aria-hidden="true">
      <circle cx="9" cy="9" r={r} fill={cue.fill} stroke={cue.stroke} strokeWidth={cue.strokeWidth * 1.2} />
    </svg>
  );
}

/** What every colour and shape on the map means; drawn from the same cues as the layers. */
export function Legend({ startOpen = true }: { startOpen?: boolean }) {
  return (
    <details className="legend" aria-label="Legend" open={startOpen} data-testid="legend">
      <summary>Legend</summary>
      <div className="legend-row"><span className="dot" style={{ background: supplyColors.energized }} /> Substation</div>
      <div className="legend-row"><span className="legend-head">Feeder</span>
        {(Object.keys(feederCues) as Array<keyof typeof feederCues>).map((s) => (
          <span key={s} className="legend-item" data-feeder={s}><LineSwatch state={s} />{feederCues[s].label}</span>
        ))}
      </div>
      <div className="legend-row"><span className="legend-head">Distribution point <span className="muted">(zoom in)</span></span>
        {(Object.keys(pointCues) as Array<keyof typeof pointCues>).map((s) => (
          <span key={s} className="legend-item" data-point={s}><CircleSwatch cue={pointCues[s]} radius={3} />{pointCues[s].label}</span>
        ))}
      </div>
      <div className="legend-row legend-meters"><span className="legend-head">Meter <span className="muted">(zoom in more)</span></span>
        {(Object.keys(meterCues) as Array<keyof typeof meterCues>).map((s) => (
          <span key={s} className="legend-item" data-meter={s}><CircleSwatch cue={meterCues[s]} />{meterCues[s].label}</span>
        ))}
        <span className="legend-item"><svg width="18" height="18" aria-hidden="true"><circle cx="9" cy="9" r="7" fill="none" stroke="#fff" strokeOpacity=".7" /><circle cx="9" cy="9" r="3" fill={meterCues.on.fill} /></svg>critical customer</span>
      </div>
      <div className="legend-row"><span className="legend-head">Outage by severity</span>
        {(Object.keys(severityCues) as Severity[]).map((name) => {
          const c = severityCues[name];
          // The ring as the map draws it (a second, outer ring for critical), so severity reads without colour.
          return (
            <span key={name} className="legend-item" data-legend-severity={name}>
              <span className="dot" data-severity={name} style={{ background: c.color, borderColor: c.color, borderWidth: Math.max(1, c.ring / 1.5), width: 11, height: 11,
                boxShadow: c.outerRing ? `0 0 0 2px var(--panel), 0 0 0 3.5px ${c.color}` : undefined }} />{name}
            </span>
          );
        })}
        <span className="legend-item" data-legend="cluster"><svg width="18" height="18" aria-hidden="true"><circle cx="9" cy="9" r="7" fill={severityColors.high} fillOpacity=".7" stroke="#fff" strokeWidth="1.5" /></svg>several, zoomed out (customers summed)</span>
      </div>
      <div className="legend-row"><span className="legend-head">Crew</span>
        {(["available", "en_route", "on_site"] as const).map((name) => (
          <span key={name} className="legend-item"><span className="dot" style={{ background: crewColors[name], borderColor: "#0b1320", width: 9, height: 9 }} />{name.replace("_", " ")}</span>
        ))}
        <span className="legend-item" title="No position from the crew's phone in the last 10 minutes: shown at its depot">
          <span className="dot" style={{ background: "transparent", borderColor: crewColors.available, borderWidth: 2, width: 9, height: 9 }} />at depot (no recent position)</span>
      </div>
    </details>
  );
}

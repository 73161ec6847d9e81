import { formatAge, formatCount } from "../format";
import { deviceName, type OutageRowData } from "../outages/OutageRow";
import { isVerifying } from "../outages/arrangeOutages";
import { SEVERITIES, type Severity } from "../palette";

/** How many outages the wall lists: as many as read across a room without scrolling. */
const SHOWN = 8;

/**
 * The worst open outages: most severe first, then most customers out; restored ones still
 * verifying left out (the wall shows what is dark now). Rows are text, not buttons: nothing on
 * the wall is pressed.
 */
export function WorstOutages({ rows, loading, now }: { rows: OutageRowData[] | undefined; loading: boolean; now: number }) {
  const rank = (o: OutageRowData) => SEVERITIES.indexOf(o.severity as Severity);
  const open = (rows ?? []).filter((o) => !isVerifying(o)).sort((a, b) => rank(a) - rank(b) || b.customersOut - a.customersOut);
  return (
    <section className="wall-worst" aria-label="Worst outages">
      <h2>Worst outages</h2>
      {loading ? <p className="loading" role="status">Loading…</p>
        : open.length === 0 ? <p className="empty">No open outages</p>
        : (
          <ol data-testid="wall-worst">
            {open.slice(0, SHOWN).map((o) => (
              <li key={o.id} data-id={o.id}>
                <span className={`sev sev-${o.severity}`}>{o.severity}</span>
                <span className="wall-worst-name">{deviceName(o)}</span>
                <span className="wall-worst-figures"><b>{formatCount(o.customersOut)}</b> out · {formatAge(o.firstDetectedAt, now)}</span>
              </li>
            ))}
          </ol>
        )}
      {open.length > SHOWN && <p className="muted wall-more">and {formatCount(open.length - SHOWN)} more</p>}
    </section>
  );
}

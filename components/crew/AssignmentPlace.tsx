import type { CrewAssignmentRow } from "../../db/queries/crewAssignments";
import { formatTime } from "../format";

const LEVEL_WORDS: Record<string, string> = { meter: "Meter", distribution_point: "Distribution point", feeder: "Feeder", substation: "Substation" };

/** Directions to a place, as links that need nothing of this site: the phone's maps app does the routing. */
export function navigationLinks(lat: number, lng: number, label: string) {
  const at = `${lat.toFixed(6)},${lng.toFixed(6)}`;
  return {
    google: `https://www.google.com/maps/dir/?api=1&destination=${at}&travelmode=driving`,
    geo: `geo:${at}?q=${at}(${encodeURIComponent(label)})`,
    osm: `https://www.openstreetmap.org/directions?engine=fossgis_osrm_car&route=%3B${encodeURIComponent(at)}#map=16/${lat.toFixed(5)}/${lng.toFixed(5)}`,
  };
}

/** Where the job is in words a crew can drive to, the dispatcher's notes, and the way there. */
export function AssignmentPlace({ a, open, timeZone }: { a: CrewAssignmentRow; open: boolean; timeZone: string | undefined }) {
  const point = a.dp_code ? `${a.dp_name ?? ""} (${a.dp_code})`.trim() : null;
  // The device the outage is predicted at, unless a row below already names it (a point, a whole feeder or substation).
  const named = [a.dp_code, a.feeder_code, a.substation_code];
  const device = a.device_code && !named.includes(a.device_code)
    ? `${LEVEL_WORDS[a.device_level ?? ""] ?? a.device_level} ${a.device_name ? `${a.device_name} (${a.device_code})` : a.device_code}` : null;
  const whole = a.device_level === "feeder" ? "the whole feeder is out" : a.device_level === "substation" ? "the whole substation is out" : null;
  const links = a.lat != null && a.lng != null ? navigationLinks(a.lat, a.lng, point ?? a.event_id) : null;
  return (
    <>
      <dl className="facts place" data-testid="assignment-place">
        {point && <><dt>Point</dt><dd data-testid="place-point">{point}</dd></>}
        {device && <><dt>Device</dt><dd>{device}</dd></>}
        {a.feeder_code && <><dt>Feeder</dt><dd data-testid="place-feeder">{a.feeder_name ? `${a.feeder_name} (${a.feeder_code})` : a.feeder_code}{a.device_level === "feeder" && whole ? ` · ${whole}` : ""}</dd></>}
        {a.substation_code && <><dt>Substation</dt><dd>{a.substation_name ? `${a.substation_name} (${a.substation_code})` : a.substation_code}{a.device_level === "substation" && whole ? ` · ${whole}` : ""}</dd></>}
        {a.address && <><dt>Near</dt><dd data-testid="place-address">{a.address}{a.address_meters != null ? ` (${a.address_meters} m)` : ""}</dd></>}
        {open && a.estimated_arrival && <><dt>Expected on site</dt><dd>{formatTime(a.estimated_arrival, timeZone)}</dd></>}
      </dl>
      {a.dispatch_notes && (
        <div className="dispatch-notes" data-testid="dispatch-notes">
          <b>From {a.assigned_by_name ?? "the dispatcher"}{!a.assigned_by_name && a.assigned_by ? ` (${a.assigned_by})` : ""}:</b> {a.dispatch_notes}
        </div>
      )}
      {open && links && (
        <div className="navigate">
          <a className="button primary big" href={links.google} target="_blank" rel="noreferrer" data-testid="navigate">Navigate</a>
          <span className="muted">or open in <a href={links.geo}>the phone's map app</a> · <a href={links.osm} target="_blank" rel="noreferrer">OpenStreetMap</a></span>
        </div>
      )}
    </>
  );
}

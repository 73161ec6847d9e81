"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "./providers/trpc";
import { NetworkMap, type FlyTarget, type MeterUpdate } from "./map/NetworkMap";
import { pointsToGeoJson } from "./map/geojson";
import { crewFeatures } from "./map/crewFeatures";
import { Legend } from "./map/Legend";
import { SubstationList, type SelectedDevice } from "./SubstationList";
import { ConnectionBadge } from "./live/ConnectionBadge";
import { useLiveChanges } from "./live/useLiveChanges";
import { UserMenu } from "./auth/UserMenu";
import { OutageList, NO_FILTER, type OutageFilterState } from "./outages/OutageList";
import { OutageDetails } from "./outages/OutageDetails";
import { SkipToList } from "./outages/SkipToList";
import { MomentaryList, useMomentaries } from "./outages/MomentaryList";
import { StormBanner } from "./storm/StormBanner";
import { StormControl } from "./storm/StormControl";
import { formatCount } from "./format";
import type { FeatureCollection } from "geojson";
import type { ChangePayloads } from "../server/realtime/events";
import { applyOutagePush } from "./live/applyOutagePush";
import { applyCrewPush } from "./live/applyCrewPush";
import { ringAlert, SOUND_KEY } from "./live/alertSound";
import { SearchBox } from "./search/SearchBox";
import { FoundNote } from "./search/FoundNote";
import type { SearchHit } from "../db/queries/search";
import { HistoryPanel, type HistoryRange } from "./history/HistoryPanel";
import { PlaybackBar, usePlayback } from "./history/PlaybackBar";
import { onPhone, usePhone } from "./phone/usePhone";
import { PhoneMenuButton, PhoneTabs, type PhoneView } from "./phone/PhoneTabs";

/** The severities' words in the top bar's counts (phones show their first letter only). */
const SEVERITY_SHORT = { critical: "Crit", high: "High", medium: "Med", low: "Low" } as const;

/** How often, at most, a burst of pushed changes refreshes what the screen shows. */
const REFRESH_MS = 400;

/** The control room: the numbers that matter, the outage list, the live map and one outage's details. */
export function ControlRoom() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.account.me.queryOptions());
  const config = useQuery(trpc.system.publicConfig.queryOptions());
  const totals = useQuery(trpc.network.totals.queryOptions());
  const substations = useQuery(trpc.network.substations.queryOptions());
  const feeders = useQuery(trpc.network.feeders.queryOptions());
  const outages = useQuery(trpc.outages.active.queryOptions());
  const overview = useQuery(trpc.outages.overview.queryOptions(undefined, { refetchInterval: 60_000 }));
  const crews = useQuery(trpc.crews.list.queryOptions());
  const areas = useQuery(trpc.outages.areas.queryOptions());
  const [tab, setTab] = useState<"outages" | "momentary" | "substations" | "history">("outages");
  /** A past range replayed on the map instead of the live outages (History tab), or null when live. */
  const [playRange, setPlayRange] = useState<HistoryRange | null>(null);
  // The Substations tab's figures, ready before it is opened; fetched again after outage pushes only while it is shown.
  useEffect(() => { void queryClient.prefetchQuery(trpc.network.summary.queryOptions()); }, [queryClient, trpc]);
  const [chosen, setChosen] = useState<SelectedDevice>(null);
  /** What the search box found last: outlined on the map, its state in a note. */
  const [found, setFound] = useState<SearchHit | null>(null);
  // Meter changes go straight to the map (no refetch): listeners get each push's meters.
  const meterListeners = useRef(new Set<(m: MeterUpdate[]) => void>());
  const subscribeMeters = useCallback((fn: (m: MeterUpdate[]) => void) => {
    meterListeners.current.add(fn);
    return () => { meterListeners.current.delete(fn); };
  }, []);
  const [flyTo, setFlyTo] = useState<FlyTarget | null>(null);
  const [networkVersion, setNetworkVersion] = useState(0);
  const momentaries = useMomentaries();
  const [filter, setFilter] = useState<OutageFilterState>(NO_FILTER);
  const [selected, setSelected] = useState<string | null>(null);
  const play = usePlayback(playRange, selected, { feeders: feeders.data, substations: substations.data });
  const mapwrap = useRef<HTMLElement>(null);
  /** The width the details panel covers at the map's right, so the map centres what it shows beside it (none on a phone: never both at once). */
  const panelInset = () => onPhone() ? 0 : mapwrap.current?.querySelector<HTMLElement>(".outage-details")?.offsetWidth ?? 0;
  // Phones (components/phone/): the list or the map, and the top bar's menu; on a wider screen both show and these do nothing.
  const phone = usePhone();
  const [phoneView, setPhoneView] = useState<PhoneView>("list");
  const [menuOpen, setMenuOpen] = useState(false);
  // An outage opened from the list or the map must not sit under its own details panel.
  const markers = useRef(outages.data);
  markers.current = outages.data;
  useEffect(() => {
    const o = markers.current?.find((m) => m.id === selected);
    if (o) setFlyTo({ lat: o.lat, lng: o.lng, rightInset: panelInset(), onlyIfHidden: true });
  }, [selected]);
  const closeDetails = useCallback(() => {
    const id = selected;
    setSelected(null);
    // Focus goes back where the person came from: the outage's row in the list, else the map.
    requestAnimationFrame(() => {
      const row = document.querySelector<HTMLElement>(`.outage-row[data-id="${id}"]`);
      (row ?? mapwrap.current?.querySelector<HTMLElement>(".maplibregl-canvas"))?.focus();
    });
  }, [selected]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);

  // A push patches the cached list, markers, feeders and substations with what it carries (no
  // refetch); what it does not carry (the top bar's figures, the outage areas, an open outage's
  // details) is fetched again, once per tick however many pushes a storm sends in it.
  const pending = useRef<{ timer: ReturnType<typeof setTimeout> | null; outages: boolean; details: Set<string>; crews: boolean; storm: boolean }>(
    { timer: null, outages: false, details: new Set(), crews: false, storm: false });
  const [sound, setSound] = useState(false);
  const soundOn = useRef(false);
  soundOn.current = sound;
  useEffect(() => setSound(localStorage.getItem(SOUND_KEY) === "on"), []);
  const cachedAlerts = (id: string): string[] | undefined => {
    for (const [, rows] of queryClient.getQueriesData<Array<{ id: string; alerts?: string[] }>>({ queryKey: trpc.outages.list.pathKey() })) {
      const row = rows?.find((r) => r.id === id);
      if (row) return row.alerts ?? [];
    }
    return undefined;
  };
  /** The top bar's count opens the most urgent outage nobody has acknowledged. */
  const openUnacknowledged = async () => {
    const rows = await queryClient.fetchQuery(trpc.outages.list.queryOptions({}));
    const first = rows.find((r) => r.alerts.length > 0);
    if (first) { setTab("outages"); setSelected(first.id); }
  };
  const live = useLiveChanges((changes) => {
    const p = pending.current;
    for (const c of changes) {
      if (c.topic === "meter:status") {
        const meters = (c.payload as { meters: MeterUpdate[] }).meters;
        for (const fn of meterListeners.current) fn(meters);
      } else if (c.topic.startsWith("outage:")) {
        const payload = c.payload as ChangePayloads["outage:updated"];
        // A reason for attention the page had not shown yet (a new outage, an escalation): ring, if asked to.
        if (soundOn.current && payload.outages.some((o) => {
          const before = cachedAlerts(o.id) ?? (c.topic === "outage:created" ? [] : o.alerts ?? []);
          return (o.alerts ?? []).some((a) => !before.includes(a));
        })) ringAlert();
        if (!applyOutagePush(queryClient, trpc, payload)) p.outages = true;
        for (const o of payload.outages) p.details.add(o.id);
      } else if (c.topic === "crew:updated") {
        // A move patches the cached crew and the dot moves; a status change also refreshes the counts.
        if (applyCrewPush(queryClient, trpc, c.payload as ChangePayloads["crew:updated"])) p.crews = true;
      }
      else if (c.topic === "storm:changed") p.storm = true;
    }
    if (p.timer || !(p.outages || p.details.size || p.crews || p.storm)) return;
    p.timer = setTimeout(() => {
      const { outages: o, details, crews: c, storm: s } = p;
      Object.assign(p, { timer: null, outages: false, details: new Set(), crews: false, storm: false });
      // Distribution points and meters in view take their state from the database again.
      if (o || details.size) setNetworkVersion((v) => v + 1);
      if (o) {
        // A change recorded before pushes carried the list's fields (replayed after a reconnect).
        for (const key of [trpc.outages.pathKey(), trpc.network.feeders.queryKey(), trpc.network.substations.queryKey(), trpc.network.summary.queryKey()]) void queryClient.invalidateQueries({ queryKey: key });
      } else if (details.size || c) {
        // (Momentary interruptions end as cancelled outages; only a shown tab's query is fetched.)
        for (const key of [trpc.outages.overview.queryKey(), trpc.outages.areas.queryKey(), trpc.outages.momentaries.pathKey(), trpc.network.summary.queryKey()]) void queryClient.invalidateQueries({ queryKey: key });
        for (const id of details) void queryClient.invalidateQueries({ queryKey: trpc.outages.detail.queryKey({ id }) });
      }
      // An outage that closed joins the History list (fetched only while that tab is shown; never the playback, which would start again).
      if (o || details.size) for (const key of [trpc.history.outages.pathKey(), trpc.history.momentaries.pathKey()]) void queryClient.invalidateQueries({ queryKey: key });
      if (c) void queryClient.invalidateQueries({ queryKey: trpc.crews.pathKey() });
      if (s) void queryClient.invalidateQueries({ queryKey: trpc.storm.pathKey() });
    }, REFRESH_MS);
  }, () => {
    // Live from here on: fetch again whatever may have changed while the page was connecting.
    for (const key of [trpc.outages.pathKey(), trpc.crews.pathKey(), trpc.storm.pathKey(), trpc.network.feeders.queryKey(), trpc.network.substations.queryKey(), trpc.network.summary.queryKey()]) {
      void queryClient.invalidateQueries({ queryKey: key });
    }
  });

  const substationGeoJson = useMemo(() => pointsToGeoJson(play.substations ?? substations.data ?? []), [play.substations, substations.data]);
  const outageGeoJson = useMemo(
    () => pointsToGeoJson((outages.data ?? []).map((o, i) => ({ ...o, key: o.id, id: i + 1, selected: o.id === selected }))),
    [outages.data, selected],
  );
  // Where each crew is taken to be: its recent position, else its depot (redrawn as positions age).
  const crewGeoJson = useMemo(() => crewFeatures(crews.data ?? [], now), [crews.data, now]);
  // The substation or feeder chosen in the Substations tab, or what the search found, outlined on the map.
  const highlight = useMemo<FeatureCollection>(() => {
    const none: FeatureCollection = { type: "FeatureCollection", features: [] };
    if (found?.kind === "feeder") return { ...none, features: (feeders.data?.features ?? []).filter((f) => f.properties.code === found.code) as FeatureCollection["features"] };
    if (found) return found.lat == null || found.lng == null ? none : pointsToGeoJson([{ id: 1, code: found.code, state: found.state, lat: found.lat, lng: found.lng }]);
    if (!chosen) return none;
    if (chosen.level === "feeder") return { ...none, features: (feeders.data?.features ?? []).filter((f) => f.properties.code === chosen.code) as FeatureCollection["features"] };
    return pointsToGeoJson((substations.data ?? []).filter((s) => s.code === chosen.code).map((s) => ({ id: s.id, code: s.code, lat: s.lat, lng: s.lng })));
  }, [chosen, found, feeders.data, substations.data]);
  // A hit opens its live outage (and shows where the customer or meter is in it), or centres its place.
  const chooseHit = useCallback((hit: SearchHit) => {
    setChosen(null);
    setFound(hit);
    if (hit.outageId) setSelected(hit.outageId);
    if (hit.lat == null || hit.lng == null) return;
    if (!hit.outageId) setPhoneView("map");
    const target: FlyTarget = hit.bounds ? { lat: hit.lat, lng: hit.lng, bounds: hit.bounds }
      : { lat: hit.lat, lng: hit.lng, zoom: hit.kind === "meter" || hit.kind === "customer" ? 16 : 14.5 };
    // After the details panel has opened (and after the list's own flight to the outage's marker).
    requestAnimationFrame(() => requestAnimationFrame(() => setFlyTo({ ...target, rightInset: panelInset() })));
  }, []);
  const loadError = [config, totals, substations, feeders, outages].find((q) => q.error)?.error;
  // What the server lets this person do (account.me), never guessed from the role's name.
  const can = (p: string) => !!me.data?.permissions.includes(p as never);
  const canAct = can("outages.act");
  const tz = config.data?.timeZone;
  const ov = overview.data;
  const activeCount = ov ? ov.outages.critical + ov.outages.high + ov.outages.medium + ov.outages.low : outages.data?.length;

  return (
    <div className="shell" data-phone-view={phoneView}>
      <SkipToList onShowList={() => { setTab("outages"); setPhoneView("list"); }} />
      <header className={`topbar${menuOpen ? " menu-open" : ""}`} id="control-room-topbar">
        <span className="brand">OMS<span className="brand-rest"> Control Room</span></span>
        <PhoneMenuButton open={menuOpen} onToggle={() => setMenuOpen(!menuOpen)} />
        <div className="stats" aria-live="polite" aria-busy={!ov}>
          <span>Customers out <b data-testid="customers-out">{formatCount(ov?.customersOut)}</b></span>
          <span title="Open outages (detected, confirmed, in progress), by severity: critical, high, medium, low">Open <b data-testid="active-outages">{formatCount(activeCount)}</b>
            {ov && (
              <span className="sev-counts" aria-label="by severity">
                {(["critical", "high", "medium", "low"] as const).map((s) => (
                  <span key={s} className={`sev-count ${ov.outages[s] > 0 ? `sev-${s}` : ""}`} data-severity={s} title={s} aria-label={`${s} ${formatCount(ov.outages[s])}`}>
                    <span className="sev-word" aria-hidden="true">{SEVERITY_SHORT[s][0]}<span className="sev-word-rest">{SEVERITY_SHORT[s].slice(1)}</span></span>{" "}
                    <span className="sev-n">{formatCount(ov.outages[s])}</span>
                  </span>
                ))}
              </span>
            )}
          </span>
          <button type="button" className={`unack ${ov && ov.unacknowledged > 0 ? "on" : ""}`} onClick={() => void openUnacknowledged()}
            title="Outages that are new, critical or have critical customers dark, not acknowledged yet: open the most urgent">
            Unacknowledged <b data-testid="unacknowledged">{formatCount(ov?.unacknowledged)}</b>
          </button>
          <label className="sound-toggle" title="Ring when an outage calls for attention">
            <input type="checkbox" checked={sound} onChange={(e) => {
              setSound(e.target.checked);
              localStorage.setItem(SOUND_KEY, e.target.checked ? "on" : "off");
              if (e.target.checked) ringAlert();
            }} /> Sound
          </label>
          <span title="Crews on an outage / crews free to send">Crews busy <b data-testid="crews-busy">{formatCount(ov?.crews.busy)}</b> / free <b>{formatCount(ov?.crews.available)}</b></span>
          <span>Signals <b data-testid="signals-per-minute">{formatCount(ov?.signalsPerMinute)}</b>/min</span>
        </div>
        <StormControl canSwitch={can("storm.switch")} timeZone={tz} />
        <ConnectionBadge state={live.state} />
        <UserMenu />
      </header>
      <StormBanner />
      <PhoneTabs view={phoneView} onView={setPhoneView} openOutages={activeCount} />
      <div className="main">
        <aside className="side" aria-label="Outages and network" id="control-room-list">
          <SearchBox onChoose={chooseHit} />
          <div className="tabs" role="tablist">
            <button type="button" role="tab" aria-selected={tab === "outages"} onClick={() => setTab("outages")}>Outages ({formatCount(activeCount)})</button>
            <button type="button" role="tab" aria-selected={tab === "momentary"} onClick={() => setTab("momentary")}
              title="Devices whose meters went off and came back within seconds: never outages">Momentary{momentaries.data ? ` (${formatCount(momentaries.data.length)})` : ""}</button>
            <button type="button" role="tab" aria-selected={tab === "history"} onClick={() => setTab("history")}
              title="Restored, cancelled and merged outages and momentary interruptions over a chosen range; playback on the map">History</button>
            <button type="button" role="tab" aria-selected={tab === "substations"} onClick={() => setTab("substations")}>Substations (<span data-testid="total-substations">{formatCount(totals.data?.substations)}</span>)</button>
          </div>
          {tab === "outages" ? (
            <OutageList filter={filter} onFilter={setFilter} selected={selected} onSelect={setSelected} timeZone={tz} now={now}
              substations={(substations.data ?? []).map((s) => ({ code: s.code, name: s.name }))} />
          ) : tab === "momentary" ? (
            <MomentaryList timeZone={tz} />
          ) : tab === "history" ? (
            <HistoryPanel timeZone={tz} selected={selected} onSelect={setSelected} onPlay={(r) => { setPlayRange(r); setPhoneView("map"); }}
              substations={(substations.data ?? []).map((s) => ({ code: s.code, name: s.name }))} />
          ) : (
            <>
              <p className="muted side-note">{formatCount(totals.data?.feeders)} feeders · {formatCount(totals.data?.meters)} meters · {formatCount(totals.data?.crews)} crews</p>
              <SubstationList selected={chosen}
                onSelectSubstation={(s) => { setFound(null); setChosen({ level: "substation", code: s.code }); setFlyTo({ lng: s.lng, lat: s.lat, zoom: 13.5 }); }}
                onSelectFeeder={(f, s) => {
                  setFound(null);
                  setChosen({ level: "feeder", code: f.code });
                  setFlyTo(f.bounds ? { lng: (f.bounds[0] + f.bounds[2]) / 2, lat: (f.bounds[1] + f.bounds[3]) / 2, bounds: f.bounds } : { lng: s.lng, lat: s.lat, zoom: 13.5 });
                }} />
            </>
          )}
        </aside>
        <section className="mapwrap" ref={mapwrap} id="control-room-map" aria-label="Map">
          {config.data && feeders.data ? (
            <NetworkMap styleUrl={config.data.mapStyleUrl} substations={substationGeoJson} feeders={play.feeders ?? feeders.data} outages={play.outages ?? outageGeoJson}
              crews={crewGeoJson} areas={playRange ? undefined : areas.data as FeatureCollection | undefined} highlight={highlight} subscribeMeters={subscribeMeters} flyTo={flyTo} onSelectOutage={(id) => { setSelected(id); setPhoneView("list"); }} networkVersion={networkVersion} />
          ) : !loadError && <p className="loading map-loading" role="status">Loading the map…</p>}
          <Legend startOpen={!phone} />
          {playRange && <PlaybackBar play={play} timeZone={tz} onExit={() => setPlayRange(null)} />}
          {found && <FoundNote hit={found} onClose={() => setFound(null)} />}
          {loadError && <div className="notice" role="alert">Could not load the network: {loadError.message}</div>}
          {selected && (
            <OutageDetails key={selected} id={selected} canAct={canAct} timeZone={tz} now={now} onClose={closeDetails} onOpen={setSelected}
              onLocate={(lat, lng) => { setPhoneView("map"); setFlyTo({ lat, lng, zoom: 14.5, rightInset: panelInset() }); }} />
          )}
        </section>
      </div>
    </div>
  );
}

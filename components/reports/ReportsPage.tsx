"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../providers/trpc";
import { StormBanner } from "../storm/StormBanner";
import { UserMenu } from "../auth/UserMenu";
import { useTimeZone } from "../useTimeZone";
import { fromLocalInput, formatCount } from "../format";
import { dateWords } from "../time/time24";
import { DailySaidiChart } from "./DailySaidiChart";
import { dailyCsv, download, feedersCsv, worstFeeders } from "./csv";
import type { FeederIndices, ReliabilityIndices } from "../../server/reliability/report";
import styles from "./Reports.module.css";

type Level = "system" | "substation" | "feeder";

/** Today's calendar date in the utility's zone ("2026-11-30"). */
function todayIn(tz: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Reliability reports (IEEE 1366-2022) for supervisors and dispatchers: the indices of a period and
 * level with and without major event days, daily SAIDI against T_MED, the worst feeders, CSV exports.
 * Days are calendar days in the utility's zone; the period runs from the first day's midnight to
 * the midnight after the last day.
 */
export function ReportsPage() {
  const tz = useTimeZone();
  return (
    <div className="page">
      <header className="topbar">
        <Link className="brand" href="/">OMS Control Room</Link>
        <span className="muted">Reliability reports</span>
        <UserMenu />
      </header>
      <StormBanner />
      <main className="page-body">{tz ? <Reports tz={tz} /> : <p className="muted">Loading…</p>}</main>
    </div>
  );
}

function Reports({ tz }: { tz: string }) {
  const trpc = useTRPC();
  const today = todayIn(tz);
  const [first, setFirst] = useState(addDays(today, -364));
  const [last, setLast] = useState(today);
  const [level, setLevel] = useState<Level>("system");
  const [id, setId] = useState("");
  const levels = useQuery(trpc.reliability.levels.queryOptions());
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(first) && /^\d{4}-\d{2}-\d{2}$/.test(last) && last >= first && (level === "system" || id !== "");
  const input = useMemo(() => ({
    from: fromLocalInput(`${first}T00:00`, tz).toISOString(),
    to: fromLocalInput(`${addDays(last, 1)}T00:00`, tz).toISOString(),
    level, id: level === "system" ? undefined : id,
  }), [first, last, level, id, tz]);
  const report = useQuery(trpc.reliability.report.queryOptions(input, { enabled: valid, placeholderData: (prev) => prev, staleTime: 60_000 }));
  const choices = level === "substation" ? levels.data?.substations ?? [] : level === "feeder" ? levels.data?.feeders.map((f) => f.feeder) ?? [] : [];
  const r = report.data;
  const name = level === "system" ? "system" : `${level}-${id}`;
  return (
    <>
      <h1>Reliability reports</h1>
      <form className={styles.controls} onSubmit={(e) => e.preventDefault()} aria-label="Period and level">
        {/* The browser's date picker writes the machine's day/month order: the date in words too (components/time/time24.ts). */}
        <label><span>First day <span className={styles.dateWords}>{dateWords(first)}</span></span><input type="date" value={first} max={last} onChange={(e) => setFirst(e.target.value)} data-testid="report-first" /></label>
        <label><span>Last day <span className={styles.dateWords}>{dateWords(last)}</span></span><input type="date" value={last} min={first} onChange={(e) => setLast(e.target.value)} data-testid="report-last" /></label>
        <div className={styles.presets}>
          <button type="button" onClick={() => { setFirst(addDays(today, -364)); setLast(today); }}>Last 365 days</button>
          <button type="button" onClick={() => { setFirst(addDays(today, -29)); setLast(today); }}>Last 30 days</button>
          <button type="button" onClick={() => { setFirst(`${today.slice(0, 4)}-01-01`); setLast(today); }}>This year</button>
        </div>
        <label>Level
          <select value={level} onChange={(e) => { setLevel(e.target.value as Level); setId(""); }} data-testid="report-level">
            <option value="system">Whole system</option>
            <option value="substation">Substation</option>
            <option value="feeder">Feeder</option>
          </select>
        </label>
        {level !== "system" && (
          <label>{level === "substation" ? "Substation" : "Feeder"}
            <select value={id} onChange={(e) => setId(e.target.value)} data-testid="report-id">
              <option value="">Choose…</option>
              {choices.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
        )}
      </form>
      {!valid && <p className="muted">Choose a period{level === "system" ? "" : ` and a ${level}`}.</p>}
      {report.error && <p className={styles.error} role="alert">{report.error.message}</p>}
      {valid && report.isPending && <p className="muted">Computing…</p>}
      {r && (
        <div aria-busy={report.isFetching}>
          <div className={styles.cards}>
            <IndicesCard indices={r.indices} daysWithSaidi={r.days_with_saidi} />
            <section className="card" aria-labelledby="daily-title">
              <div className={styles.cardHead}>
                <h2 id="daily-title">Daily SAIDI</h2>
                <button type="button" onClick={() => download(`daily-${name}-${first}-${last}.csv`, dailyCsv(r.daily))} data-testid="export-daily">Export daily CSV</button>
              </div>
              <DailySaidiChart daily={r.daily} tMed={r.indices.t_med_minutes} levelLabel={level === "system" ? null : `${level === "feeder" ? "Feeder" : "Substation"} ${id}`} />
            </section>
          </div>
          <div className={styles.tables}>
            <WorstTable title="Worst feeders by SAIDI" feeders={worstFeeders(r.feeders, "saidi")} testId="worst-saidi" />
            <WorstTable title="Worst feeders by SAIFI" feeders={worstFeeders(r.feeders, "saifi")} testId="worst-saifi" />
          </div>
          <div className={styles.exports}>
            <button type="button" onClick={() => download(`feeders-${name}-${first}-${last}.csv`, feedersCsv(r.feeders))} data-testid="export-feeders">
              Export per-feeder CSV ({formatCount(r.feeders.length)} feeders)
            </button>
          </div>
        </div>
      )}
    </>
  );
}

const num = (v: number | null, digits: number) => (v === null ? "—" : v.toFixed(digits));

function IndicesCard({ indices: i, daysWithSaidi }: { indices: ReliabilityIndices; daysWithSaidi: number }) {
  const x = i.excluding_major_events;
  const rows: Array<[string, string, string, string]> = [
    ["SAIFI", "interruptions per customer served", num(i.saifi, 3), num(x.saifi, 3)],
    ["SAIDI", "minutes per customer served", num(i.saidi, 1), num(x.saidi, 1)],
    ["CAIDI", "minutes per interruption", num(i.caidi, 1), num(x.caidi, 1)],
    ["CAIFI", "interruptions per customer interrupted", num(i.caifi, 3), ""],
    ["MAIFI_E", "momentary events per customer served", num(i.maifi_e, 3), ""],
    ["ASAI", "share of customer hours with supply", i.asai === null ? "—" : `${(i.asai * 100).toFixed(4)}%`, ""],
  ];
  return (
    <section className="card" aria-labelledby="indices-title">
      <h2 id="indices-title" style={{ marginTop: 0, fontSize: 16 }}>Indices · {formatCount(i.customers_served)} customers served</h2>
      <table className={`grid ${styles.indices}`} data-testid="indices-table">
        <thead><tr><th>Index</th><th>All days</th><th>Excluding major event days</th></tr></thead>
        <tbody>
          {rows.map(([name, what, all, ex]) => (
            <tr key={name} data-index={name}><td><b>{name}</b> <span className="muted">{what}</span></td><td>{all}</td><td>{ex}</td></tr>
          ))}
        </tbody>
      </table>
      <p className={styles.threshold} data-testid="t-med">
        {i.t_med_minutes === null
          ? `T_MED: not enough history (${daysWithSaidi} day${daysWithSaidi === 1 ? "" : "s"} with SAIDI > 0 in the 365 days ending on the last day; at least 2 are needed).`
          : `T_MED ${i.t_med_minutes.toFixed(2)} min (2.5β over ${daysWithSaidi} days with SAIDI > 0 in the 365 days ending on the last day).`}
      </p>
      <p className={styles.threshold} data-testid="med-days">
        Major event days: {i.major_event_days.length === 0 ? "none" : <span className={styles.med}>{i.major_event_days.join(", ")}</span>}
      </p>
    </section>
  );
}

function WorstTable({ title, feeders, testId }: { title: string; feeders: FeederIndices[]; testId: string }) {
  return (
    <section className="card" aria-label={title}>
      <h2 style={{ marginTop: 0, fontSize: 16 }}>{title} <span className="muted" style={{ fontSize: 12, fontWeight: 400 }}>excluding major event days</span></h2>
      <table className="grid" data-testid={testId}>
        <thead><tr><th>Feeder</th><th>Substation</th><th className={styles.num}>Customers</th><th className={styles.num}>SAIFI</th><th className={styles.num}>SAIDI</th><th className={styles.num}>CAIDI</th><th className={styles.num}>SAIDI all days</th></tr></thead>
        <tbody>
          {feeders.length === 0 && <tr><td colSpan={7} className="muted">No sustained interruptions outside major event days.</td></tr>}
          {feeders.map((f) => (
            <tr key={f.feeder}>
              <td>{f.feeder}</td><td>{f.substation}</td><td className={styles.num}>{formatCount(f.customers_served)}</td>
              <td className={styles.num}>{num(f.excluding_major_events.saifi, 3)}</td><td className={styles.num}>{num(f.excluding_major_events.saidi, 1)}</td>
              <td className={styles.num}>{num(f.excluding_major_events.caidi, 1)}</td><td className={styles.num}>{num(f.saidi, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

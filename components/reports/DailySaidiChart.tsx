"use client";

import { useEffect, useRef } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { DailyFigure } from "../../server/reliability/report";
import { severityColors } from "../palette";

/** Chart colours: the system's bars in the accent, the T_MED line in warning yellow, major event days in critical's colour. */
export const chartColors = { system: "#4aa3ff", level: "#3fb27f", tMed: "#f0b429", med: severityColors.critical, axis: "#93a4bd", grid: "#24344f" };

interface Props {
  daily: DailyFigure[];
  tMed: number | null;
  /** The level's own daily SAIDI beside the system's, below the system ("Feeder FD0001"). */
  levelLabel: string | null;
}

/** A calendar day ("2026-03-05") as the x value: its UTC midnight, shown in UTC so the label is that date. */
const dayX = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 1000;

/**
 * Daily system SAIDI (bars, what decides a major event day), the level's own daily SAIDI (line)
 * when the report is for a substation or feeder, the T_MED threshold, and each major event day
 * marked on its bar. uPlot draws on a canvas; it is loaded in the browser only.
 */
export function DailySaidiChart({ daily, tMed, levelLabel }: Props) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: uPlot | undefined;
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    void import("uplot").then(({ default: UPlot }) => {
      if (cancelled || !box.current) return;
      const el = box.current;
      const xs = daily.map((d) => dayX(d.day));
      const data: uPlot.AlignedData = [
        xs,
        daily.map((d) => d.system_saidi),
        ...(levelLabel ? [daily.map((d) => d.saidi ?? 0)] : []),
        daily.map(() => tMed),
        daily.map((d) => (d.major_event_day ? d.system_saidi : null)),
      ];
      const axis = { stroke: chartColors.axis, grid: { stroke: chartColors.grid, width: 1 }, ticks: { stroke: chartColors.grid } };
      const opts: uPlot.Options = {
        width: el.clientWidth || 800,
        height: 300,
        tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, tMed ?? 0, 1) * 1.08] } },
        axes: [axis, { ...axis, label: "SAIDI (minutes)", labelGap: 4, size: 60 }],
        legend: { live: true },
        series: [
          { label: "Day", value: (_u, v) => (v == null ? "–" : new Date(v * 1000).toISOString().slice(0, 10)) },
          { label: "System SAIDI", stroke: chartColors.system, fill: `${chartColors.system}99`, paths: UPlot.paths.bars!({ size: [0.8, 40] }), points: { show: false }, value: (_u, v) => fmt(v) },
          ...(levelLabel ? [{ label: `${levelLabel} SAIDI`, stroke: chartColors.level, width: 2, points: { show: false }, value: (_u: uPlot, v: number | null) => fmt(v) }] : []),
          { label: "T_MED", stroke: chartColors.tMed, width: 2, dash: [8, 6], points: { show: false }, value: (_u, v) => fmt(v) },
          { label: "Major event day", stroke: chartColors.med, paths: () => null, points: { show: true, size: 12, fill: chartColors.med, stroke: chartColors.med }, value: (_u, v) => (v == null ? "–" : "yes") },
        ],
      };
      plot = new UPlot(opts, data, el);
      observer = new ResizeObserver(() => plot?.setSize({ width: el.clientWidth, height: 300 }));
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [daily, tMed, levelLabel]);
  return <div ref={box} data-testid="daily-saidi-chart" aria-label="Daily SAIDI with the T_MED threshold and major event days" role="img" />;
}

const fmt = (v: number | null | undefined) => (v == null ? "–" : `${v.toFixed(2)} min`);

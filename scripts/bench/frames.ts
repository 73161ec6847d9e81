import type { Page } from "playwright-core";
import { percentile } from "./report";

/** One display refresh at 60 Hz, what headless Chromium's requestAnimationFrame runs at. */
export const VSYNC_MS = 1000 / 60;

export interface FrameStats {
  frames: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  /** Frames that took longer than 50 ms (a long task's threshold). */
  over50: number;
  /** Refreshes with no new frame, as a share of the refreshes in the sample (each frame of d ms spans round(d / 16.7) of them). */
  droppedShare: number;
}

export function frameStats(frames: number[]): FrameStats {
  let slots = 0;
  let dropped = 0;
  for (const d of frames) {
    const n = Math.max(1, Math.round(d / VSYNC_MS));
    slots += n;
    dropped += n - 1;
  }
  return {
    frames: frames.length, median: percentile(frames, 50), p95: percentile(frames, 95), p99: percentile(frames, 99),
    max: Math.max(...frames), over50: frames.filter((x) => x > 50).length, droppedShare: slots ? dropped / slots : NaN,
  };
}

// Page code is passed as strings: tsx would wrap a function in helpers the page does not have.

/** The time between successive requestAnimationFrame callbacks for `ms` milliseconds. */
export function sampleFrames(page: Page, ms: number): Promise<number[]> {
  return page.evaluate<number[]>(`new Promise((resolve) => {
    const frames = [];
    let last = performance.now();
    const end = last + ${ms};
    const tick = (t) => { frames.push(t - last); last = t; if (t < end) requestAnimationFrame(tick); else resolve(frames); };
    requestAnimationFrame(tick);
  })`);
}

export interface ScrollSample {
  frames: number[];
  /** Most and fewest list rows in the page at any frame of the scroll. */
  maxRows: number;
  minRows: number;
  /** Highest row position (aria-posinset) in the page at the end: the last row when the bottom was reached. */
  lastPosition: number;
  scrolledPx: number;
}

/**
 * Scrolls `scroller` from top to bottom at an even speed over `ms` milliseconds, one step a
 * frame (as a fling or a held scrollbar would), and times every frame. The target is re-read each
 * frame: the virtualiser corrects the list's height as it measures rows.
 */
export function scrollFrames(page: Page, scroller: string, rows: string, ms: number): Promise<ScrollSample> {
  return page.evaluate<ScrollSample>(`new Promise((resolve) => {
    const el = document.querySelector(${JSON.stringify(scroller)});
    const count = () => el.querySelectorAll(${JSON.stringify(rows)}).length;
    el.scrollTop = 0;
    const frames = [];
    let maxRows = count(), minRows = maxRows;
    const start = performance.now();
    let last = start;
    const tick = (t) => {
      frames.push(t - last);
      last = t;
      const n = count();
      maxRows = Math.max(maxRows, n);
      minRows = Math.min(minRows, n);
      const progress = Math.min(1, (t - start) / ${ms});
      el.scrollTop = progress * (el.scrollHeight - el.clientHeight);
      const more = progress < 1 || el.scrollTop + el.clientHeight < el.scrollHeight - 1;
      if (more && t - start < ${ms} + 5000) requestAnimationFrame(tick);
      else requestAnimationFrame(() => requestAnimationFrame(() => {
        const positions = [...el.querySelectorAll(${JSON.stringify(rows)})].map((li) => Number(li.getAttribute("aria-posinset")));
        resolve({ frames, maxRows, minRows, lastPosition: Math.max(0, ...positions), scrolledPx: el.scrollTop });
      }));
    };
    requestAnimationFrame(tick);
  })`);
}

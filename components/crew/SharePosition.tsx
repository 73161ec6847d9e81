"use client";

import { useEffect, useState } from "react";
import { formatTime } from "../format";
import { SHARE_KEY, useSharePosition } from "./useSharePosition";

/**
 * The crew member's consent: nothing about the phone's position is read until they switch this
 * on, and it stays their choice on this phone until they switch it off.
 */
export function SharePosition({ crewCode, timeZone }: { crewCode: string; timeZone: string | undefined }) {
  const [on, setOn] = useState(false);
  useEffect(() => setOn(localStorage.getItem(SHARE_KEY) === "on"), []);
  const state = useSharePosition(crewCode, on);
  const choose = (next: boolean) => {
    setOn(next);
    localStorage.setItem(SHARE_KEY, next ? "on" : "off");
  };
  return (
    <section className="card share-position" aria-label="Location sharing">
      <label className="share-toggle">
        <input type="checkbox" role="switch" checked={on} onChange={(e) => choose(e.target.checked)} />
        <span><b>Share my location</b> with the control room while this page is open</span>
      </label>
      <p className="muted" data-testid="share-status" role="status">
        {state.kind === "off" && "Off: the control room sees your crew at its depot."}
        {state.kind === "waiting" && "Finding your position…"}
        {state.kind === "sharing" && state.sent && state.sentAt &&
          `Sharing · sent ${formatTime(new Date(state.sentAt), timeZone, { seconds: true })} (±${Math.round(state.sent.accuracy)} m). Sent when you move 50 m, at least once a minute.`}
        {state.kind === "error" && <span className="form-error">{state.message}</span>}
      </p>
    </section>
  );
}

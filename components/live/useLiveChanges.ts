"use client";

import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { UNAVAILABLE_REFUSAL, type ChangeTopic, type ClientToServerEvents, type ServerToClientEvents } from "../../server/realtime/events";
import { reportDatabase, RETRY_MS } from "../providers/databaseStatus";

type Change = { seq: number; topic: ChangeTopic; payload: unknown; at: string };
export type ConnectionState = "connecting" | "live" | "reconnecting";

/**
 * Subscribes to the server's change stream. Counts sequence numbers: after a reconnect it asks
 * for everything after the last one seen, so nothing committed while away is missed. Changes
 * are handed over in batches (the server already coalesces per tick).
 *
 * `onFirstConnect` runs when the first connection of the page is established: what the page
 * fetched before that may already be stale (a change committed between its first fetch and the
 * subscription is in neither), so it should fetch again.
 */
export function useLiveChanges(onChanges: (changes: Change[]) => void, onFirstConnect?: () => void): { state: ConnectionState } {
  const [state, setState] = useState<ConnectionState>("connecting");
  const seq = useRef<number | null>(null);
  const handler = useRef(onChanges);
  handler.current = onChanges;
  const firstConnect = useRef(onFirstConnect);
  firstConnect.current = onFirstConnect;

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ path: "/socket.io" });
    const deliver = (changes: Change[]) => {
      const fresh = changes.filter((c) => seq.current === null || c.seq > seq.current);
      if (!fresh.length) return;
      // A ref, not state: a storm pushes many times a second and must not re-render the page for it.
      seq.current = fresh[fresh.length - 1].seq;
      handler.current(fresh);
    };
    socket.on("system:hello", (hello) => {
      // Greeted after the session was read: the database answers.
      reportDatabase(true);
      if (seq.current === null) {
        seq.current = hello.seq;
        firstConnect.current?.();
      } else if (hello.seq > seq.current) {
        socket.emit("changes:since", seq.current, deliver);
      }
      setState("live");
    });
    socket.on("changes", deliver);
    // The server refuses a connection without a valid session: back to sign-in. One refused
    // because the session could not be checked (database unreachable) is tried again: Socket.IO
    // does not retry a connection its server refused by itself.
    let retry: ReturnType<typeof setTimeout> | undefined;
    socket.on("connect_error", (err) => {
      if (err.message.startsWith("unauthorized")) window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname)}`);
      if (err.message !== UNAVAILABLE_REFUSAL) return;
      reportDatabase(false);
      setState("reconnecting");
      clearTimeout(retry);
      if (!socket.active) retry = setTimeout(() => socket.connect(), RETRY_MS);
    });
    socket.on("disconnect", () => setState("reconnecting"));
    socket.io.on("reconnect_attempt", () => setState("reconnecting"));
    return () => {
      clearTimeout(retry);
      socket.close();
    };
  }, []);
  return { state };
}

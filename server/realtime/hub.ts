import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { Db } from "../../db/client";
import { UNAVAILABLE_REFUSAL, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from "./events";
import { changesSince, latestSeq, type Change, type Publisher } from "./publisher";
import { ConfigError } from "../config";
import type { Auth } from "../auth/auth";
import { allows } from "../auth/permissions";
import { sessionActor } from "../auth/session";
import { sameOrigin } from "../http/origin";
import type { Actor } from "../context";
import { describeError, isDatabaseUnavailable, reportUnavailable } from "../errorCauses";

/** Everyone who may see every outage; a crew member's socket joins only its crew's room. */
const STAFF_ROOM = "staff";
const CREWS_ROOM = "crews";
const crewRoom = (crewId: number) => `crew:${crewId}`;
const userRoom = (userId: string) => `user:${userId}`;

/** What a crew's phone receives: its own crew's moves and the storm banner, nothing else. */
function crewMaySee(change: Change, crewId: number): boolean {
  if (change.topic === "storm:changed") return true;
  return change.topic === "crew:updated" && (change.payload as { crewId?: number }).crewId === crewId;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface Realtime extends Publisher {
  io: RealtimeServer;
  /** Ends a person's live connections at once, in every app process (disabled, demoted, reset). */
  disconnectUser(userId: string): void;
  close(): Promise<void>;
}

/** How long changes are gathered before one push: a storm sends one array, not thousands of messages. */
export const PUSH_TICK_MS = 50;
/** How often open connections are checked against their sessions. */
export const SESSION_RECHECK_MS = 30_000;

/**
 * Attaches Socket.IO to the HTTP server, on the same port as everything else. With a Redis URL
 * the official Redis adapter fans every push out to the browsers of all app processes.
 */
export async function createRealtime(httpServer: HttpServer, db: Db, auth: Auth, redisUrl?: string): Promise<Realtime> {
  const io: RealtimeServer = new Server(httpServer, {
    path: "/socket.io", serveClient: false,
    // A browser page of another origin (another port on the host, a sibling domain) must not
    // open a live feed with the user's cookie.
    allowRequest: (req, callback) => {
      const same = sameOrigin(req.headers);
      callback(same ? null : "cross-origin connection refused", same);
    },
  });
  const redis = redisUrl ? await attachRedis(io, redisUrl) : null;
  let pending: Change[] = [];
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    timer = null;
    const batch = pending.sort((a, b) => a.seq - b.seq);
    pending = [];
    if (!batch.length) return;
    io.to(STAFF_ROOM).emit("changes", batch);
    // Crews: their own crew's changes, and the storm banner (a client drops what it has seen).
    const storm = batch.filter((c) => c.topic === "storm:changed");
    const crewIds = new Set(batch.filter((c) => c.topic === "crew:updated").map((c) => (c.payload as { crewId: number }).crewId));
    if (storm.length) io.to(CREWS_ROOM).emit("changes", storm);
    for (const crewId of crewIds) io.to(crewRoom(crewId)).emit("changes", batch.filter((c) => crewMaySee(c, crewId)));
  };

  // The Socket.IO transport's one permission check: a session cookie of someone who may
  // receive live changes, at the handshake (a refused connection gets connect_error).
  io.use(async (socket, next) => {
    let actor: Actor | null;
    try {
      actor = await sessionActor(auth, socket.request.headers);
    } catch (err) {
      // A session that cannot be checked is no reason to sign in again: the client retries.
      if (isDatabaseUnavailable(err)) {
        reportUnavailable("live connection", err);
        return next(new Error(UNAVAILABLE_REFUSAL));
      }
      console.error(`live connection: the session check failed: ${describeError(err, { stack: true })}`);
      return next(new Error("internal error"));
    }
    if (!actor || actor.kind !== "user") return next(new Error("unauthorized: sign in first"));
    if (!allows("live.subscribe", actor)) return next(new Error(`forbidden: the ${actor.role} role may not receive live changes`));
    socket.data.userId = actor.id;
    socket.data.role = actor.role;
    socket.data.crewId = actor.crewId;
    next();
  });

  io.on("connection", async (socket) => {
    socket.data.connectedAt = Date.now();
    void socket.join(userRoom(socket.data.userId));
    const crewOnly = socket.data.role === "crew";
    if (!crewOnly) void socket.join(STAFF_ROOM);
    else if (socket.data.crewId !== null) void socket.join([CREWS_ROOM, crewRoom(socket.data.crewId)]);
    const visible = (changes: Change[]) => (crewOnly ? changes.filter((c) => socket.data.crewId !== null && crewMaySee(c, socket.data.crewId)) : changes);
    socket.on("system:ping", (ack) => {
      if (typeof ack === "function") ack(new Date().toISOString());
    });
    socket.on("changes:since", async (seq, ack) => {
      if (typeof ack !== "function") return;
      const from = Number.isSafeInteger(seq) && seq >= 0 ? seq : 0;
      ack(visible(await changesSince(db, from).catch(() => [])));
    });
    socket.emit("system:hello", { seq: await latestSeq(db).catch(() => 0), serverTime: new Date().toISOString() });
  });

  // A session that ended (signed out, expired, user disabled or role changed) ends its socket
  // too. One that cannot be checked (database unreachable) keeps it: the round stops there, as
  // every other check would wait for the same dead database.
  // A round under way when the server closes stops there: the database it asks is closing too.
  let closing = false;
  const recheck = setInterval(async () => {
    for (const socket of io.of("/").sockets.values()) {
      if (closing) return;
      let actor: Actor | null;
      try {
        actor = await sessionActor(auth, socket.request.headers);
      } catch (err) {
        if (!closing && !isDatabaseUnavailable(err)) console.error(`live connection: the session recheck failed: ${describeError(err, { stack: true })}`);
        return;
      }
      if (!actor || actor.kind !== "user" || actor.id !== socket.data.userId || actor.role !== socket.data.role || actor.crewId !== socket.data.crewId) {
        socket.disconnect(true);
      }
    }
  }, SESSION_RECHECK_MS);
  recheck.unref();

  return {
    io,
    disconnectUser: (userId) => io.in(userRoom(userId)).disconnectSockets(true),
    publish(changes) {
      if (!changes.length) return;
      pending.push(...changes);
      timer ??= setTimeout(flush, PUSH_TICK_MS);
    },
    close: async () => {
      closing = true;
      clearInterval(recheck);
      if (timer) clearTimeout(timer);
      flush();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await redis?.close();
    },
  };
}

async function attachRedis(io: RealtimeServer, url: string) {
  const { createClient } = await import("redis");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on("error", (err) => console.error(`REDIS_URL: ${err.message}`));
  // The client retries for ever once running; at start a Redis that is not there is a setup error.
  const giveUp = new Promise<never>((_, reject) => setTimeout(() => reject(new ConfigError([`REDIS_URL: cannot connect to ${new URL(url).host} within 5 s`])), 5000).unref());
  try {
    await Promise.race([Promise.all([pub.connect(), sub.connect()]), giveUp]);
  } catch (err) {
    await Promise.allSettled([pub.disconnect(), sub.disconnect()]);
    throw err;
  }
  io.adapter(createAdapter(pub, sub));
  return { close: async () => { await Promise.allSettled([pub.quit(), sub.quit()]); } };
}

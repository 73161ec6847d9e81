import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { Db } from "../../db/client";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "./events";
import { changesSince, latestSeq, type Change, type Publisher } from "./publisher";
import { ConfigError } from "../config";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface Realtime extends Publisher {
  io: RealtimeServer;
  close(): Promise<void>;
}

/** How long changes are gathered before one push: a storm sends one array, not thousands of messages. */
export const PUSH_TICK_MS = 50;

/**
 * Attaches Socket.IO to the HTTP server, on the same port as everything else. With a Redis URL
 * the official Redis adapter fans every push out to the browsers of all app processes.
 */
export async function createRealtime(httpServer: HttpServer, db: Db, redisUrl?: string): Promise<Realtime> {
  const io: RealtimeServer = new Server(httpServer, { path: "/socket.io", serveClient: false });
  const redis = redisUrl ? await attachRedis(io, redisUrl) : null;
  let pending: Change[] = [];
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    timer = null;
    const batch = pending.sort((a, b) => a.seq - b.seq);
    pending = [];
    if (batch.length) io.emit("changes", batch);
  };

  io.on("connection", async (socket) => {
    socket.data.connectedAt = Date.now();
    socket.on("system:ping", (ack) => {
      if (typeof ack === "function") ack(new Date().toISOString());
    });
    socket.on("changes:since", async (seq, ack) => {
      if (typeof ack !== "function") return;
      const from = Number.isSafeInteger(seq) && seq >= 0 ? seq : 0;
      ack(await changesSince(db, from).catch(() => []));
    });
    socket.emit("system:hello", { seq: await latestSeq(db).catch(() => 0), serverTime: new Date().toISOString() });
  });

  return {
    io,
    publish(changes) {
      if (!changes.length) return;
      pending.push(...changes);
      timer ??= setTimeout(flush, PUSH_TICK_MS);
    },
    close: async () => {
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

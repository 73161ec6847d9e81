import type { ServerOptions } from "node:http";
import type { AppConfig } from "../config";

const KB = 1024;
const MB = 1024 * KB;

/**
 * The largest request body each part of the server takes (docs/ingestion.md, Limits). A larger
 * one is answered 413 before it is read: at once when its Content-Length says so, or as soon
 * as a chunked body passes the limit. Sign-in needs a few hundred bytes; a batch of 5,000
 * events about 2 MB.
 */
export const BODY_LIMITS = {
  "/api/ingest": 10 * MB,
  "/api/oms": 1 * MB,
  "/api/trpc": 1 * MB,
  "/api/auth": 16 * KB,
  /** Anything else: pages (Next.js server actions take at most 1 MB themselves) and unknown API paths. */
  other: 1 * MB,
} as const;

export function sizeInWords(bytes: number): string {
  if (bytes >= MB && bytes % MB === 0) return `${bytes / MB} MB`;
  if (bytes >= KB && bytes % KB === 0) return `${bytes / KB} KB`;
  return `${bytes} bytes`;
}

/**
 * Node's own defaults let a client hold a connection with half-sent headers for up to 90 s (a
 * 60 s timeout checked every 30 s). Headers and whole requests must arrive within the
 * configured times, checked every second; a request fully received is never cut by them, so
 * long answers, Socket.IO long-polling and WebSockets are not affected.
 */
export function httpServerOptions(http: AppConfig["http"]): ServerOptions {
  return {
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, http.headersTimeoutMs / 2),
    keepAliveTimeout: http.keepAliveTimeoutMs,
  };
}

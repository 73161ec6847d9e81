import type { IncomingHttpHeaders } from "node:http";

/**
 * True when a request names no other origin than the host it was sent to: the one check of
 * cookie-authenticated changes (REST, tRPC) and live connections (Socket.IO). A request with no
 * Origin is not from another site's page unless the browser says so (Sec-Fetch-Site).
 */
export function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (!origin) return headers["sec-fetch-site"] !== "cross-site";
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}

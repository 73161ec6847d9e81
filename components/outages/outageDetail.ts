import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router";

/**
 * One outage as the details panel gets it. The verification and nesting fields are read with
 * defaults: a server that predates them sends none, and the panel must still tell the truth.
 */
export type OutageDetail = inferRouterOutputs<AppRouter>["outages"]["detail"] & {
  verifying?: boolean;
  metersNotBack?: number;
  parentEventId?: string | null;
  nested?: Array<{ id: string; eventId: string; status: string }>;
};

export const OPEN_STATUSES = ["detected", "confirmed", "in_progress"];
export const isOpen = (status: string) => OPEN_STATUSES.includes(status);

/** What is true of the outage's customers now: still out, restored and verifying, restored, or gone (merged, cancelled). */
export type PowerNow =
  | { kind: "out" }
  | { kind: "verifying"; notBack: number }
  | { kind: "restored" }
  | { kind: "closed"; status: string };

export function powerNow(o: OutageDetail): PowerNow {
  if (isOpen(o.status)) return { kind: "out" };
  if (o.status !== "restored") return { kind: "closed", status: o.status };
  // Without the server's answer, the meters the outage still holds dark say whether it is verifying.
  const stillDark = o.meters.filter((m) => m.state !== "restored").length;
  const notBack = o.metersNotBack ?? (o.verifying ? o.metersOut : stillDark);
  const verifying = o.verifying ?? stillDark > 0;
  return verifying ? { kind: "verifying", notBack } : { kind: "restored" };
}

export const statusLabel = (o: OutageDetail) => {
  const p = powerNow(o);
  return p.kind === "verifying" ? "restored · verifying" : o.status.replace("_", " ");
};

import type { UserRole } from "../../db/schema";
import type { Actor } from "../context";

export const USER_ROLES: readonly UserRole[] = ["viewer", "crew", "dispatcher", "supervisor"];

/**
 * THE permission table: what each role may do. Every tRPC procedure, every REST route and the
 * Socket.IO connection names one of these, and one middleware per transport checks it; the
 * README shows the same table (a test keeps the two equal). `oms_api` is an integration's key
 * scoped to the /api/oms API. Ingestion routes take only their own source's key and are not
 * in this table.
 */
export const PERMISSIONS = {
  "network.read": { roles: ["viewer", "crew", "dispatcher", "supervisor"], omsApi: false, what: "see the network map: substations, feeders, distribution points, totals" },
  "outages.read": { roles: ["viewer", "dispatcher", "supervisor"], omsApi: true, what: "see outages, the dashboard, storm mode status and signal counts" },
  "storm.read": { roles: ["viewer", "crew", "dispatcher", "supervisor"], omsApi: true, what: "see whether storm mode is on, the rule in force and the event rate (the banner on every screen)" },
  "live.subscribe": { roles: ["viewer", "crew", "dispatcher", "supervisor"], omsApi: false, what: "receive live changes over Socket.IO (a crew only its own crew's)" },
  "outages.act": { roles: ["dispatcher", "supervisor"], omsApi: true, what: "correlate, create, validate, score, cluster, confirm, merge, restore outages; set ETR; notify customers" },
  "crews.dispatch": { roles: ["dispatcher", "supervisor"], omsApi: true, what: "dispatch crews and see crew suggestions" },
  "assignments.update": { roles: ["crew", "dispatcher", "supervisor"], omsApi: true, what: "move an assignment on (en route, on site, restored); a crew only its own" },
  "assignments.own": { roles: ["crew"], omsApi: false, what: "see the signed-in crew's own assignments" },
  "crews.position": { roles: ["crew"], omsApi: false, what: "report where the signed-in crew is, from its phone (its own crew only)" },
  "storm.switch": { roles: ["supervisor"], omsApi: true, what: "switch storm mode on or off" },
  "rules.edit": { roles: ["supervisor"], omsApi: false, what: "change correlation rules" },
  "users.manage": { roles: ["supervisor"], omsApi: false, what: "create users, change roles and crews, disable users, reset passwords" },
  "keys.manage": { roles: ["supervisor"], omsApi: false, what: "create, list and revoke integration API keys" },
  "ingest.manage": { roles: ["supervisor"], omsApi: false, what: "see events whose processing failed repeatedly (parked) and retry them" },
  "audit.read": { roles: ["supervisor"], omsApi: false, what: "read the audit log" },
  "reports.read": { roles: ["dispatcher", "supervisor"], omsApi: false, what: "open the Reports page (reliability indices, IEEE 1366); the figures themselves need outages.read" },
  "account.self": { roles: ["viewer", "crew", "dispatcher", "supervisor"], omsApi: false, what: "see one's own account, change one's own password" },
} as const satisfies Record<string, { roles: readonly UserRole[]; omsApi: boolean; what: string }>;

export type Permission = keyof typeof PERMISSIONS;
/** A procedure anyone may call, signed in or not (the sign-in page needs a few). */
export type Access = Permission | "public";

/** Whether the actor may do what the permission names. */
export function allows(access: Access, actor: Actor | null): boolean {
  if (access === "public") return true;
  if (!actor) return false;
  const rule = PERMISSIONS[access];
  if (actor.kind === "user") return (rule.roles as readonly string[]).includes(actor.role);
  if (actor.kind === "integration") return rule.omsApi && actor.source === "oms_api";
  return true; // the system itself (sweeper, shell)
}

/** The refusal for an actor: 401 when nobody is signed in, 403 when the role is not enough. */
export function refusal(access: Access, actor: Actor | null): { status: 401 | 403; message: string } {
  if (!actor) return { status: 401, message: "Sign in first (or send an API key)" };
  const who = actor.kind === "user" ? `the ${actor.role} role` : actor.kind === "integration" ? `an API key for ${actor.source}` : actor.name;
  return { status: 403, message: `${who} may not ${access === "public" ? "do this" : PERMISSIONS[access as Permission].what}` };
}

/** The table as Markdown, for the README (a test checks the README holds exactly this). */
export function permissionTableMarkdown(): string {
  const cols = [...USER_ROLES, "oms_api key"];
  const lines = [`| permission | ${cols.join(" | ")} | what it allows |`, `|---|${cols.map(() => ":-:").join("|")}|---|`];
  for (const [name, rule] of Object.entries(PERMISSIONS)) {
    const marks = USER_ROLES.map((r) => ((rule.roles as readonly string[]).includes(r) ? "✓" : ""));
    lines.push(`| \`${name}\` | ${[...marks, rule.omsApi ? "✓" : ""].join(" | ")} | ${rule.what} |`);
  }
  return lines.join("\n");
}

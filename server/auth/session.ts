import type { IncomingHttpHeaders } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import type { UserRole } from "../../db/schema";
import type { Actor } from "../context";
import type { Auth } from "./auth";

/**
 * The person a request's session cookie belongs to, or null. Read from the database on every
 * call, so a role change, a disabled account or a sign-out counts at once.
 */
export async function sessionActor(auth: Auth, headers: IncomingHttpHeaders | Headers): Promise<Actor | null> {
  const found = await auth.api.getSession({ headers: headers instanceof Headers ? headers : fromNodeHeaders(headers) }).catch(() => null);
  if (!found) return null;
  const user = found.user as typeof found.user & { role: UserRole; crewId?: number | null; disabled?: boolean; username?: string | null };
  if (user.disabled) return null;
  return { kind: "user", id: user.id, name: user.name, username: user.username ?? user.email, role: user.role, crewId: user.crewId ?? null };
}

import type { IncomingHttpHeaders } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import type { UserRole } from "../../db/schema";
import type { Actor } from "../context";
import { isDatabaseUnavailable, unavailableFrom } from "../errorCauses";
import type { Auth } from "./auth";

/**
 * The person a request's session cookie belongs to, or null when there is no valid session.
 * Read from the database on every call, so a role change, a disabled account or a sign-out
 * counts at once.
 *
 * A session that could not be checked is not a sign-out: when the database cannot be reached
 * this throws the `unavailable` domain error (503), so a PostgreSQL restart does not send every
 * dispatcher to the sign-in page. better-auth's getSession answers null for a missing, unknown
 * or expired session, throws a 401 APIError for one deleted while it was refreshed, and throws
 * a 500 APIError whose `cause` is the database's error when its query fails.
 */
export async function sessionActor(auth: Auth, headers: IncomingHttpHeaders | Headers): Promise<Actor | null> {
  let found: Awaited<ReturnType<Auth["api"]["getSession"]>>;
  try {
    found = await auth.api.getSession({ headers: headers instanceof Headers ? headers : fromNodeHeaders(headers) });
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw unavailableFrom(err);
    if (isRefusal(err)) return null;
    throw err;
  }
  if (!found) return null;
  const user = found.user as typeof found.user & { role: UserRole; crewId?: number | null; disabled?: boolean; username?: string | null };
  if (user.disabled) return null;
  return { kind: "user", id: user.id, name: user.name, username: user.username ?? user.email, role: user.role, crewId: user.crewId ?? null };
}

/** better-auth's 4xx answers (the session is not valid), as opposed to its failures (5xx). */
function isRefusal(err: unknown): boolean {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" && status >= 400 && status < 500;
}

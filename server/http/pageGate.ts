import type { RequestHandler } from "express";
import type { Auth } from "../auth/auth";
import { allows, type Permission } from "../auth/permissions";
import { sessionActor } from "../auth/session";
import type { Actor } from "../context";
import { RETRY_AFTER_SECONDS } from "../errors";
import { describeError, isDatabaseUnavailable, reportUnavailable } from "../errorCauses";

/** Pages and what it takes to open them. A page not listed here is open (sign-in, assets, 404s). */
export const PAGE_ACCESS: Record<string, Permission> = {
  "/": "outages.read",
  "/crew": "assignments.own",
  "/admin": "users.manage",
  "/account": "account.self",
  "/reports": "reports.read",
  // The wall display shows nothing the control room does not show a viewer.
  "/wall": "outages.read",
};

/** Where a signed-in person lands when the page asked for is not theirs. */
const homeOf = (role: string) => (role === "crew" ? "/crew" : "/");

/**
 * The pages' gate, in the server before Next renders anything: nobody sees a page without a
 * session; a signed-in person is sent to a page of their role. The data behind every page is
 * checked again by tRPC and Socket.IO, so this is about not showing empty shells. A session
 * that cannot be checked (database unreachable) is a 503 page that retries, not a sign-in.
 */
export function pageGate(auth: Auth): RequestHandler {
  return async (req, res, next) => {
    const need = (req.method === "GET" || req.method === "HEAD") ? PAGE_ACCESS[req.path] : undefined;
    if (!need) return next();
    let actor: Actor | null;
    try {
      actor = await sessionActor(auth, req.headers);
    } catch (err) {
      // Not a sign-out: the cookie stays, and the page comes back by itself once the database does.
      if (isDatabaseUnavailable(err)) {
        reportUnavailable(`page ${req.path}`, err);
        return void res.status(503).set({ "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" }).type("html").send(UNAVAILABLE_PAGE);
      }
      console.error(`page ${req.path}: the session check failed: ${describeError(err, { stack: true })}`);
      return void res.status(500).type("text").send("Internal error");
    }
    if (!actor) return res.redirect(302, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    if (allows(need, actor)) return next();
    const home = actor.kind === "user" ? homeOf(actor.role) : "/";
    if (home !== req.path) return res.redirect(302, home);
    res.status(403).send("Your role may not open this page");
  };
}

/** Plain HTML from the gate itself (the real page would only meet 503s), reloading every few seconds. */
export const UNAVAILABLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}">
<title>Database unreachable · OMS Control Room</title>
<style>
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #0b1320; color: #e6edf6; font: 16px/1.5 system-ui, sans-serif; }
  main { max-width: 34rem; padding: 2rem; border: 1px solid #f5a524; border-radius: 8px; background: #131d2e; }
  h1 { margin: 0 0 .5rem; font-size: 1.25rem; color: #f5a524; }
  p { margin: .5rem 0 0; color: #b8c4d6; }
</style>
</head>
<body>
<main role="alert">
<h1>The control room cannot reach its database; this page retries by itself</h1>
<p>Nobody has been signed out. The page reloads every ${RETRY_AFTER_SECONDS} seconds and opens as soon as the database answers again.</p>
</main>
</body>
</html>
`;

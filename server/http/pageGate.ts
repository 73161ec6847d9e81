import type { RequestHandler } from "express";
import type { Auth } from "../auth/auth";
import { allows, type Permission } from "../auth/permissions";
import { sessionActor } from "../auth/session";

/** Pages and what it takes to open them. A page not listed here is open (sign-in, assets, 404s). */
export const PAGE_ACCESS: Record<string, Permission> = {
  "/": "outages.read",
  "/crew": "assignments.own",
  "/admin": "users.manage",
  "/account": "account.self",
};

/** Where a signed-in person lands when the page asked for is not theirs. */
const homeOf = (role: string) => (role === "crew" ? "/crew" : "/");

/**
 * The pages' gate, in the server before Next renders anything: nobody sees a page without a
 * session; a signed-in person is sent to a page of their role. The data behind every page is
 * checked again by tRPC and Socket.IO, so this is about not showing empty shells.
 */
export function pageGate(auth: Auth): RequestHandler {
  return async (req, res, next) => {
    const need = (req.method === "GET" || req.method === "HEAD") ? PAGE_ACCESS[req.path] : undefined;
    if (!need) return next();
    try {
      const actor = await sessionActor(auth, req.headers);
      if (!actor) return res.redirect(302, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      if (allows(need, actor)) return next();
      const home = actor.kind === "user" ? homeOf(actor.role) : "/";
      if (home !== req.path) return res.redirect(302, home);
      res.status(403).send("Your role may not open this page");
    } catch (err) {
      next(err);
    }
  };
}

import { Router } from "express";
import { toNodeHandler } from "better-auth/node";
import { CLIENT_IP_HEADER, type Auth } from "../../auth/auth";

/**
 * The library's routes people use, and only those: sign in (username or email), sign out,
 * the current session, change one's own password. Everything else it could serve (sign-up,
 * account linking, …) answers 404: users are made by supervisors.
 */
export const AUTH_PATHS = [
  { method: "POST", path: "/sign-in/username" },
  { method: "POST", path: "/sign-in/email" },
  { method: "POST", path: "/sign-out" },
  { method: "GET", path: "/get-session" },
  { method: "POST", path: "/change-password" },
] as const;

export function createAuthRouter(auth: Auth): Router {
  const router = Router();
  const handler = toNodeHandler(auth);
  router.use((req, res, next) => {
    if (!AUTH_PATHS.some((p) => p.method === req.method && p.path === req.path)) return next();
    // The limiter counts per client address: the one Express saw (trusting only a local proxy),
    // never a header the client chose.
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? "unknown";
    void handler(req, res).catch(next);
  });
  return router;
}

import express, { Router, type Request } from "express";
import { toNodeHandler } from "better-auth/node";
import { CLIENT_IP_HEADER, type Auth } from "../../auth/auth";
import { BODY_LIMITS } from "../limits";
import { inspectRequest } from "../validate";

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

const served = (req: Request) => AUTH_PATHS.some((p) => p.method === req.method && p.path === req.path);

/**
 * better-auth reads a body itself with no size limit, and hands a NUL in a username to the
 * database (a 500). So the body is read here, within BODY_LIMITS["/api/auth"] (bodyLimit in
 * front refuses more before it is read), inspected, and handed on parsed: the library takes a
 * `req.body` that was already read.
 */
export function createAuthRouter(auth: Auth): Router {
  const router = Router();
  const handler = toNodeHandler(auth);
  const limit = BODY_LIMITS["/api/auth"];
  router.use((req, _res, next) => next(served(req) ? undefined : "router"));
  router.use(express.json({ limit }), express.urlencoded({ extended: false, limit }), inspectRequest);
  router.use((req, res, next) => {
    // The limiter counts per client address: the one Express saw (trusting only a local proxy),
    // never a header the client chose.
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? "unknown";
    void handler(req, res).catch(next);
  });
  return router;
}

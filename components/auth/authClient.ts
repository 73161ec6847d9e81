"use client";

import { createAuthClient } from "better-auth/react";
import { usernameClient } from "better-auth/client/plugins";

/** The browser side of sign-in: the library's client for the server's /api/auth routes. */
export const authClient = createAuthClient({ basePath: "/api/auth", plugins: [usernameClient()] });

/** Where to go after signing in: only a page of this site (never `//other.host`, however disguised). */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith("/")) return null;
  try {
    const url = new URL(next, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : null;
  } catch {
    return null;
  }
}

export async function signOut(): Promise<void> {
  await authClient.signOut().catch(() => undefined);
  window.location.assign("/sign-in");
}

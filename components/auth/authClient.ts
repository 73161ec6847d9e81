"use client";

import { createAuthClient } from "better-auth/react";
import { usernameClient } from "better-auth/client/plugins";

/** The browser side of sign-in: the library's client for the server's /api/auth routes. */
export const authClient = createAuthClient({ basePath: "/api/auth", plugins: [usernameClient()] });

/** Where to go after signing in: only a path of this site (never `//other.host`). */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  return next;
}

export async function signOut(): Promise<void> {
  await authClient.signOut().catch(() => undefined);
  window.location.assign("/sign-in");
}

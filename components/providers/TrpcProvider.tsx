"use client";

import { useState, type ReactNode } from "react";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import superjson from "superjson";
import { TRPCProvider as Provider } from "./trpc";
import { DatabaseBanner } from "./DatabaseBanner";
import { isUnavailable, reportDatabase, RETRY_MS } from "./databaseStatus";
import type { AppRouter } from "../../server/trpc/router";

export function TrpcProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({
      defaultOptions: {
        queries: {
          staleTime: 30_000, refetchOnWindowFocus: false,
          // A lost database is waited out (the banner says so): the query asks again every few
          // seconds until it answers. Other failures are retried twice; a sign-out never.
          retry: (n, err) => isUnavailable(err) || (!isUnauthorized(err) && n < 2),
          retryDelay: (n, err) => (isUnavailable(err) ? RETRY_MS : Math.min(1000 * 2 ** n, 30_000)),
        },
      },
      // A session that ended (expired, signed out elsewhere, user disabled) goes back to sign-in.
      // Only a real 401 does: a 503 (database unreachable) keeps the page and the cookie.
      queryCache: new QueryCache({ onError: toSignInIfUnauthorized }),
      mutationCache: new MutationCache({ onError: toSignInIfUnauthorized }),
    }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [databaseStatusLink, httpBatchLink({ url: "/api/trpc", transformer: superjson })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <Provider trpcClient={trpcClient} queryClient={queryClient}>
        <DatabaseBanner />
        {children}
      </Provider>
    </QueryClientProvider>
  );
}

/**
 * Tells databaseStatus what every answer says: a 503 that the database is unreachable, any
 * other answer of the server that it is back (each request's session was read from it). A
 * request that reached no server says nothing about the database.
 */
const databaseStatusLink: TRPCLink<AppRouter> = () => ({ next, op }) => observable((observer) =>
  next(op).subscribe({
    next(value) {
      reportDatabase(true);
      observer.next(value);
    },
    error(err) {
      if (isUnavailable(err)) reportDatabase(false);
      else if (err.data) reportDatabase(true);
      observer.error(err);
    },
    complete() {
      observer.complete();
    },
  }));

function isUnauthorized(err: unknown): boolean {
  return err instanceof TRPCClientError && (err.data as { code?: string } | undefined)?.code === "UNAUTHORIZED";
}

function toSignInIfUnauthorized(err: unknown) {
  if (!isUnauthorized(err) || window.location.pathname === "/sign-in") return;
  window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

"use client";

import { useState, type ReactNode } from "react";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { TRPCProvider as Provider } from "./trpc";
import type { AppRouter } from "../../server/trpc/router";

export function TrpcProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({
      defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: (n, err) => !isUnauthorized(err) && n < 2 } },
      // A session that ended (expired, signed out elsewhere, user disabled) goes back to sign-in.
      queryCache: new QueryCache({ onError: toSignInIfUnauthorized }),
      mutationCache: new MutationCache({ onError: toSignInIfUnauthorized }),
    }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc", transformer: superjson })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <Provider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </Provider>
    </QueryClientProvider>
  );
}

function isUnauthorized(err: unknown): boolean {
  return err instanceof TRPCClientError && (err.data as { code?: string } | undefined)?.code === "UNAUTHORIZED";
}

function toSignInIfUnauthorized(err: unknown) {
  if (!isUnauthorized(err) || window.location.pathname === "/sign-in") return;
  window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

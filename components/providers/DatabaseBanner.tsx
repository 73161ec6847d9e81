"use client";

import { useEffect, useRef } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTRPCClient } from "./trpc";
import { RETRY_MS, useDatabaseUnreachable } from "./databaseStatus";

/**
 * Shown on every page while the server says its database is unreachable; gone by itself with
 * the first answer after. While it shows, it asks the server something small every few
 * seconds, so it also goes on a page where nothing else is retrying (a mutation failed); the
 * probe bypasses the query cache, so its failures do not become the page's queries' errors.
 * Once the database answers, queries that gave up meanwhile are asked again.
 */
export function DatabaseBanner() {
  const unreachable = useDatabaseUnreachable();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const wasUnreachable = useRef(false);
  useEffect(() => {
    if (wasUnreachable.current && !unreachable) {
      void queryClient.refetchQueries({ type: "active", predicate: (q) => q.state.status === "error" });
    }
    wasUnreachable.current = unreachable;
    if (!unreachable) return;
    const probe = setInterval(() => void client.system.publicConfig.query().catch(() => undefined), RETRY_MS);
    return () => clearInterval(probe);
  }, [unreachable, client, queryClient]);
  if (!unreachable) return null;
  return (
    <div className="database-banner" role="alert" data-testid="database-banner">
      Connection to the server&apos;s database lost — retrying
    </div>
  );
}

import type { ConnectionState } from "./useLiveChanges";

const labels: Record<ConnectionState, string> = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };

/** Whether what the screen shows is live: a dispatcher must know when it is not. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span className={`conn conn-${state}`} role="status" data-testid="connection" data-state={state}>
      <span className="conn-dot" aria-hidden /> {labels[state]}
    </span>
  );
}

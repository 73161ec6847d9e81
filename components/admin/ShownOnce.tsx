"use client";

/** A secret the server answered once (a new password or API key): shown here and nowhere else. */
export function ShownOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  return (
    <div className="shown-once" role="alert">
      <p><b>{label}</b> It is shown only now: copy it and hand it over safely.</p>
      <code data-testid="shown-once">{value}</code>
      <div className="row">
        <button type="button" onClick={() => void navigator.clipboard?.writeText(value)}>Copy</button>
        <button type="button" onClick={onDone}>Done</button>
      </div>
    </div>
  );
}

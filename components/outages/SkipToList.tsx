"use client";

/**
 * The first stop of the Tab key on the control room: straight to the outage list, past the top
 * bar's dozen controls. Out of sight until focused. Lands on the first row (or, with none, on the
 * list's first filter); the list's arrow keys go on from there.
 */
export function SkipToList({ onShowList }: { onShowList: () => void }) {
  return (
    <a className="skip-link" href="#outage-list" onClick={(e) => {
      e.preventDefault();
      onShowList();
      requestAnimationFrame(() => {
        (document.querySelector<HTMLElement>(".outage-list .outage-row") ?? document.querySelector<HTMLElement>(".outage-list .filters select"))?.focus();
      });
    }}>Skip to the outage list</a>
  );
}

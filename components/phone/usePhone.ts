"use client";

import { useSyncExternalStore } from "react";

/**
 * Where the control room turns into its phone layout: list and map as tabs, the details full screen,
 * the top bar's links in a menu. The same query as the `@media` block "Phones" in app/globals.css:
 * up to 700 px wide, or a phone held sideways (at most 500 px tall and 1,000 px wide: 844 × 390,
 * 915 × 412, 932 × 430), where the desktop's side list and map left the map a sliver under the legend
 * and the top bar ran off the screen. A tablet (768 px tall and more) keeps the desktop layout.
 */
export const PHONE_MEDIA = "(max-width: 700px), (max-height: 500px) and (max-width: 1000px)";

/** Whether the screen is phone-sized now (read where a click needs it, outside React's render). */
export const onPhone = () => typeof window !== "undefined" && window.matchMedia(PHONE_MEDIA).matches;

const subscribe = (changed: () => void) => {
  const query = window.matchMedia(PHONE_MEDIA);
  query.addEventListener("change", changed);
  return () => query.removeEventListener("change", changed);
};

/** Whether the screen is phone-sized, kept up as it turns or resizes; false on the server (the desktop layout is the default). */
export function usePhone(): boolean {
  return useSyncExternalStore(subscribe, onPhone, () => false);
}

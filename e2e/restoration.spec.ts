import { expect, test } from "@playwright/test";
import { signInAs } from "./signIn";
import { createKeyOnAdminPage, feeders, tripFeeder } from "./helpers";
import { rewriteTrpc } from "./trpcRewrite";

const trpcGet = (path: string, input: unknown) => `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

test("after a crew restores with meters still dark, the dispatcher's panel drops stale answers and says restored and verifying, never “customers out”", async ({ page, browser }) => {
  const kaifaKey = await createKeyOnAdminPage(browser, "kaifa");
  await signInAs(page, "dispatcher");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const eventId = await tripFeeder(page, (await feeders(page))[27]);
  const row = page.getByTestId("outage-list").locator(`button[data-event-id="${eventId}"]`);
  await row.click();
  const details = page.getByTestId("outage-details");
  await expect(details).toHaveAttribute("data-event-id", eventId);
  const id = await row.getAttribute("data-id");

  // Three of its meters sent a last gasp and will not report power back after the repair.
  const detail = (await (await page.request.get(trpcGet("outages.detail", { id }))).json()).result.data.json as { meters: Array<{ meterNumber: string }> };
  const dark = detail.meters.slice(0, 3).map((m) => m.meterNumber);
  const gasps = await page.request.post("/api/ingest/kaifa", {
    headers: { authorization: `Bearer ${kaifaKey}` },
    data: dark.map((meter, i) => ({ message_type: "EndDeviceEvent", timestamp: new Date(Date.now() - 60_000).toISOString(),
      payload: { event_id: `KF-dark-${Date.now()}-${i}`, reason: "Last gasp signal detected", assets: { mrid: meter } } })),
  });
  expect(gasps.ok()).toBe(true);

  await page.getByRole("button", { name: "Dispatch crew" }).click();
  await page.getByLabel("Crew to dispatch").selectOption("CRW01");
  await page.getByRole("form", { name: "Dispatch a crew" }).getByRole("button", { name: "Dispatch" }).click();
  await expect(page.getByTestId("detail-crews")).toContainText("CRW01");

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const crew = await phone.newPage();
    await signInAs(crew, "crew");
    const assignment = crew.getByTestId("assignment").filter({ hasText: eventId });
    await assignment.getByLabel("Cause").selectOption("Line repaired");

    await page.getByRole("button", { name: "Set ETR" }).click();
    await page.getByRole("button", { name: "Set ETR and tell customers" }).click();
    await expect(page.getByTestId("action-result")).toHaveText("Estimated restoration set; customers told.");
    const answeredAt = Date.now();
    await page.screenshot({ path: "e2e/screenshots/restoration-before.png" });

    await assignment.getByRole("button", { name: "Restored" }).click();
    await expect(assignment).toHaveAttribute("data-status", "completed");
    await expect(assignment.getByTestId("assignment-power")).toHaveText("restored");
    await expect(assignment).not.toContainText("Customers out");
  } finally {
    await phone.close();
  }

  // The dispatcher's screen follows: the answer about the ETR is gone (well before it would fade by itself).
  await expect(page.getByTestId("detail-status")).toHaveText(/restored/);
  await expect(page.getByTestId("action-result")).toHaveCount(0);
  await expect(page.getByTestId("detail-power")).toHaveText(/^Restored · verifying: 3 meters not yet back$/);
  await expect(page.getByTestId("detail-status")).toHaveText("restored · verifying");
  await expect(details).not.toContainText("Customers out");
  await expect(page.getByTestId("detail-etr")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Set ETR" })).toHaveCount(0);
  // The list keeps it, after the open outages, as restored and verifying; never "out".
  await expect(row).toHaveAttribute("data-verifying", "true");
  await expect(row).toContainText("Restored · verifying");
  await expect(row.getByTestId("meters-not-back")).toHaveText("3 meters not yet back");
  await expect(row).not.toContainText(" out");
  await page.screenshot({ path: "e2e/screenshots/restoration-verifying.png" });
});

test("the list shows a restored outage still verifying after the open ones, and a nested outage indented under it; the panel links them both ways", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const eventId = await tripFeeder(page, (await feeders(page))[31]);
  // The server's outage becomes the nested one; its parent is a restored outage still verifying 8 meters.
  const parent = { id: "00000000-0000-4000-8000-00000000e2e1", eventId: "OMS_E2E_PARENT" };
  let childId = "";
  let lastChildDetail: unknown = null;
  await rewriteTrpc(page, {
    "outages.list": (rows) => {
      const list = rows as Array<Record<string, unknown>>;
      const child = list.find((r) => r.eventId === eventId);
      if (!child) return list;
      childId = String(child.id);
      const others = list.filter((r) => r !== child);
      return [...others, { ...child, parentOutageId: parent.id, parentEventId: parent.eventId },
        { ...child, ...parent, status: "restored", verifying: true, metersNotBack: 8, customersOut: 8, parentOutageId: null, parentEventId: null }];
    },
    "outages.detail": (data, input) => {
      const { id } = input as { id: string };
      if (id === parent.id) {
        return { ...(lastChildDetail as object), ...parent, status: "restored", verifying: true, metersNotBack: 8, metersOut: 8, customersOut: 8,
          restoredAt: new Date().toISOString(), parentOutageId: null, parentEventId: null, nested: [{ id: childId, eventId, status: "confirmed" }] };
      }
      if (id === childId && data) {
        lastChildDetail = data;
        return { ...(data as object), parentOutageId: parent.id, parentEventId: parent.eventId, nested: [] };
      }
      return undefined;
    },
  });
  await page.reload();

  const list = page.getByTestId("outage-list");
  const parentRow = list.locator(`button[data-event-id="${parent.eventId}"]`);
  const childRow = list.locator(`button[data-event-id="${eventId}"]`);
  await expect(parentRow).toContainText("Restored · verifying");
  await expect(parentRow.getByTestId("meters-not-back")).toHaveText("8 meters not yet back");
  await expect(parentRow).not.toContainText("8 out");
  await expect(childRow.getByTestId("nested-in")).toContainText(`nested in ${parent.eventId}`);
  await expect(childRow).toHaveAttribute("data-depth", "1");
  // The family sits together, the child right under its parent, indented.
  const order = await list.locator("button.outage-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-event-id")));
  expect(order.indexOf(eventId)).toBe(order.indexOf(parent.eventId) + 1);
  const [p, c] = [await parentRow.boundingBox(), await childRow.boundingBox()];
  expect(c!.x).toBeGreaterThan(p!.x + 10);

  await childRow.click();
  const details = page.getByTestId("outage-details");
  await expect(page.getByTestId("detail-parent")).toContainText(parent.eventId);
  await page.screenshot({ path: "e2e/screenshots/nested-child.png" });
  await page.getByTestId("detail-parent").getByRole("button", { name: parent.eventId }).click();
  await expect(details).toHaveAttribute("data-event-id", parent.eventId);
  await expect(page.getByTestId("detail-power")).toHaveText("Restored · verifying: 8 meters not yet back");
  await expect(details).not.toContainText("Customers out");
  await expect(page.getByTestId("detail-nested")).toContainText(eventId);
  await page.screenshot({ path: "e2e/screenshots/verifying-parent.png" });
  await page.getByTestId("detail-nested").getByRole("button", { name: eventId }).click();
  await expect(details).toHaveAttribute("data-event-id", eventId);
});

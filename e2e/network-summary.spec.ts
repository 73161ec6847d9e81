import { expect, test } from "@playwright/test";
import { feeders, tripFeeder } from "./helpers";
import { signInAs } from "./signIn";

test("the Substations tab lists substations and feeders worst first with customers served, out and share; choosing one outlines and centres it on the map", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const feeder = (await feeders(page))[62]!;
  await tripFeeder(page, feeder);
  await page.goto("/");
  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-rendered-substations", /SS/);
  await page.getByRole("tab", { name: /Substations/ }).click();
  const list = page.getByTestId("substation-list");
  const row = list.locator(`button[data-code="${feeder.substationCode}"]`);
  await expect(row).toBeVisible();
  // Worst first: no substation above it has a smaller share of its customers out.
  const shares = await list.locator("button[data-code] [data-testid=share-out]").evaluateAll((els) => els.map((e) => parseFloat(e.textContent!.replace("<", ""))));
  expect(shares).toEqual([...shares].sort((a, b) => b - a));
  expect(shares[0]).toBeGreaterThan(0);
  // The tripped feeder is listed under its substation, wholly out.
  const feederRow = list.locator(`button[data-feeder="${feeder.code}"]`);
  await expect(feederRow.getByTestId("share-out")).toHaveText("100%");
  await expect(feederRow).toHaveAttribute("data-status", "de_energized");

  await row.click();
  await expect(map).toHaveAttribute("data-highlight", feeder.substationCode);
  await expect(row).toHaveAttribute("aria-pressed", "true");
  await feederRow.click();
  await expect(map).toHaveAttribute("data-highlight", feeder.code);
  // The map fits the feeder's route: its centre is inside the feeder's bounds.
  const summary = (await (await page.request.get("/api/trpc/network.summary")).json()).result.data.json as Array<{ feeders: Array<{ code: string; bounds: number[] }> }>;
  const [w, s, e, n] = summary.flatMap((x) => x.feeders).find((f) => f.code === feeder.code)!.bounds;
  await expect.poll(async () => {
    const [lng, lat] = (await map.getAttribute("data-center"))!.split(",").map(Number);
    return lng! >= w! && lng! <= e! && lat! >= s! && lat! <= n!;
  }, { timeout: 15_000 }).toBe(true);
  await page.waitForTimeout(500);
  await page.screenshot({ path: "e2e/screenshots/substations-summary.png" });
});

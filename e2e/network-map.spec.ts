import { expect, test, type APIRequestContext } from "@playwright/test";
import { signInAs } from "./signIn";

interface Substation { code: string; name: string; lat: number; lng: number }

/** What the server says the network holds, read over the same tRPC endpoint the page uses. */
async function seededSubstations(request: APIRequestContext): Promise<Substation[]> {
  const res = await request.get("/api/trpc/network.substations");
  expect(res.ok()).toBe(true);
  const body = await res.json();
  return body.result.data.json as Substation[];
}

test.beforeEach(async ({ page }) => {
  await signInAs(page, "viewer");
});

test("the home map draws every seeded substation and lists them", async ({ page }) => {
  const expected = await seededSubstations(page.request);
  expect(expected.length).toBeGreaterThanOrEqual(20);
  const expectedCodes = expected.map((s) => s.code).sort();

  await page.goto("/");
  const map = page.getByTestId("network-map");
  // The map writes the codes of the substations it actually rendered once it is idle.
  await expect(map).toHaveAttribute("data-rendered-substations", expectedCodes.join(","));

  await page.getByRole("tab", { name: /Substations/ }).click();
  const listed = await page.getByTestId("substation-list").locator("button[data-code]").evaluateAll(
    (buttons) => buttons.map((b) => b.getAttribute("data-code")),
  );
  expect(listed.sort()).toEqual(expectedCodes);
  await expect(page.getByTestId("total-substations")).toHaveText(String(expected.length));
  await page.screenshot({ path: "e2e/screenshots/home-map.png" });
});

test("choosing a substation flies the map to it and clicking it shows its details", async ({ page }) => {
  const [first] = await seededSubstations(page.request);
  await page.goto("/");
  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-rendered-substations", /SS/);

  await page.getByRole("tab", { name: /Substations/ }).click();
  await page.getByTestId("substation-list").locator(`button[data-code="${first.code}"]`).click();
  // After the flight the substation sits in the middle of the map, where a person would click.
  await expect(map).toHaveAttribute("data-center", `${first.lng.toFixed(4)},${first.lat.toFixed(4)}`);
  const box = (await map.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const popup = page.locator(".maplibregl-popup");
  await expect(popup).toContainText(`Substation ${first.code}`);
  await expect(popup).toContainText(first.name);
  await page.screenshot({ path: "e2e/screenshots/substation-popup.png" });
});

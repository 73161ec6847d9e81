import { expect, test } from "@playwright/test";
import { generateNetwork } from "../db/seed/generate";
import { feeders, tripFeeder } from "./helpers";
import { signInAs } from "./signIn";

// The e2e server seeds the demo network (20,000 meters, seed 1) on its empty database: the same one, generated here.
const network = generateNetwork({ meters: 20_000 });

test("one search box finds a caller by phone in another spelling and opens the outage holding them dark; a meter with power is centred on the map with its state; an event id opens its outage", async ({ page }) => {
  await signInAs(page, "dispatcher");
  const feeder = (await feeders(page))[71]!;
  const eventId = await tripFeeder(page, feeder);
  const feederId = network.feeders.find((f) => f.feederId === feeder.code)!.id;
  const darkCustomer = network.customers.find((c) => c.id === network.meters.find((m) => m.feederId === feederId)!.customerId)!;
  const litMeter = network.meters.find((m) => m.feederId === network.feeders.find((f) => f.feederId !== feeder.code && f.substationId !== network.feeders.find((x) => x.id === feederId)!.substationId)!.id)!;

  await page.goto("/");
  const map = page.getByTestId("network-map");
  await expect(map).toHaveAttribute("data-rendered-substations", /SS/);
  const box = page.getByRole("combobox", { name: /Search/ });
  const results = page.getByTestId("search-results");

  // The caller gives their number the local way: 07x xxx xxxx.
  const digits = darkCustomer.phone.replace(/\D/g, "");
  const local = `0${digits.slice(3, 5)} ${digits.slice(5, 8)} ${digits.slice(8)}`;
  await box.click();
  await box.pressSequentially(local.slice(0, 7), { delay: 40 });
  // Results as it is typed: the first digits already list them.
  await expect(results.locator(`[role=option][data-code="${darkCustomer.customerId}"]`)).toBeVisible();
  await box.pressSequentially(local.slice(7), { delay: 20 });
  const option = results.locator(`[role=option][data-code="${darkCustomer.customerId}"]`);
  await expect(option).toContainText(darkCustomer.name);
  await expect(option).toContainText(`in outage ${eventId}`);
  await page.screenshot({ path: "e2e/screenshots/search-results.png" });
  // Keyboard only: down to it, Enter.
  const index = await results.locator("[role=option]").evaluateAll((els, code) => els.findIndex((e) => e.getAttribute("data-code") === code), darkCustomer.customerId);
  for (let i = 0; i < index; i++) await box.press("ArrowDown");
  await box.press("Enter");
  await expect(page.getByTestId("outage-details")).toHaveAttribute("data-event-id", eventId);
  await expect(map).toHaveAttribute("data-highlight", darkCustomer.customerId);
  await expect(page.getByTestId("search-found")).toHaveAttribute("data-state", "assumed");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("outage-details")).toHaveCount(0);

  // A meter with power: centred and outlined, its state said.
  await box.fill(litMeter.meterNumber);
  await results.locator(`[role=option][data-code="${litMeter.meterNumber}"]`).click();
  const found = page.getByTestId("search-found");
  await expect(found).toHaveAttribute("data-code", litMeter.meterNumber);
  await expect(found).toContainText(/power (on|unknown)/);
  await expect(map).toHaveAttribute("data-highlight", litMeter.meterNumber);
  await expect.poll(async () => {
    const [lng, lat] = (await map.getAttribute("data-center"))!.split(",").map(Number);
    return Math.abs(lng! - litMeter.locationLng) < 0.0005 && Math.abs(lat! - litMeter.locationLat) < 0.0005;
  }, { timeout: 15_000 }).toBe(true);
  await expect(map).toHaveAttribute("data-rendered-meters", /[1-9]/);
  await page.waitForTimeout(400);
  await page.screenshot({ path: "e2e/screenshots/search-meter.png" });

  // An event id opens its outage.
  await box.fill(eventId);
  await results.locator(`[role=option][data-kind="outage"][data-code="${eventId}"]`).click();
  await expect(page.getByTestId("outage-details")).toHaveAttribute("data-event-id", eventId);
});

test("a viewer's search finds meters and devices but no customer", async ({ page }) => {
  await signInAs(page, "viewer");
  const customer = network.customers[10]!;
  await page.goto("/");
  const box = page.getByRole("combobox", { name: /Search/ });
  await box.fill(customer.customerId);
  await expect(page.getByTestId("search-results")).toContainText("Nothing found");
  await box.fill(network.feeders[3]!.feederId);
  await expect(page.getByTestId("search-results").locator(`[role=option][data-kind="feeder"][data-code="${network.feeders[3]!.feederId}"]`)).toBeVisible();
});

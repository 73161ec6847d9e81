import fs from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

export type DemoRole = "supervisor" | "dispatcher" | "crew" | "viewer";

/**
 * The demo users the embedded demo start made, read from the file it writes next to the
 * database (the same lines it printed): username → password.
 */
export function demoPasswords(): Record<string, string> {
  const file = path.join(process.env.E2E_DATA_DIR!, "demo-sign-ins.txt");
  const lines = fs.readFileSync(file, "utf8").split("\n");
  return Object.fromEntries(lines.map((l) => /username (\S+)\s+password (\S+)/.exec(l)).filter((m) => m !== null).map((m) => [m[1], m[2]]));
}

/** Signs in through the real sign-in page, as a person does, and waits to land. */
export async function signInAs(page: Page, username: DemoRole | string, password = demoPasswords()[username]) {
  await page.goto("/sign-in");
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

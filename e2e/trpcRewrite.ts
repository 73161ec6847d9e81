import type { Page } from "@playwright/test";

/** Given what the server answered (undefined if an error) and the input: what the page gets, or undefined to leave it. */
type Rewriter = (data: unknown, input: unknown) => unknown;

/**
 * Rewrites chosen tRPC answers on their way to the page: for fields of the data contract the
 * server may not send yet (or data a test cannot make a real storm produce quickly). Everything
 * else passes through untouched. Handles httpBatchLink's batched GETs (`/api/trpc/a,b?batch=1`).
 */
export async function rewriteTrpc(page: Page, rewriters: Record<string, Rewriter>) {
  await page.route(/\/api\/trpc\//, async (route) => {
    const url = new URL(route.request().url());
    const paths = decodeURIComponent(url.pathname.replace(/^\/api\/trpc\//, "")).split(",");
    if (route.request().method() !== "GET" || !paths.some((p) => rewriters[p])) return route.fallback();
    const batch = url.searchParams.get("batch") === "1";
    const inputs = JSON.parse(url.searchParams.get("input") ?? "{}") as Record<string, { json?: unknown }>;
    const response = await route.fetch();
    let body: unknown = await response.json().catch(() => null);
    const items = (batch ? body : [body]) as Array<{ result?: { data: { json: unknown } }; error?: unknown }>;
    paths.forEach((path, i) => {
      const rewrite = rewriters[path];
      if (!rewrite || !items[i]) return;
      const input = batch ? inputs[String(i)]?.json : (inputs as { json?: unknown }).json;
      const data = rewrite(items[i].result?.data.json, input);
      if (data === undefined) return; // nothing to change: the server's answer (or error) stands
      // The rewritten data is plain JSON: no superjson meta (dates are ISO strings in these answers).
      items[i] = { result: { data: { json: data } } };
    });
    body = batch ? items : items[0];
    await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
  });
}

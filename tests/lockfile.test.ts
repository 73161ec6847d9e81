import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// `npm ci` (README, .ci/run) refuses a lockfile that lacks any optional dependency of a package
// in it, even one for another platform ("Missing: @next/swc-darwin-arm64@… from lock file").
describe("package-lock.json", () => {
  const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8")) as { packages: Record<string, { version?: string; optionalDependencies?: Record<string, string> }> };

  it("records every platform's build of Next's compiler, so npm ci installs from it on any machine", () => {
    const next = lock.packages["node_modules/next"];
    const optional = Object.entries(next?.optionalDependencies ?? {});
    expect(optional.length).toBeGreaterThanOrEqual(8);
    for (const [name, spec] of optional) {
      const locked = lock.packages[`node_modules/${name}`]?.version;
      expect(locked, `${name} is missing from package-lock.json`).toBeDefined();
      if (/^\d/.test(spec)) expect(locked, name).toBe(spec);
    }
  });

  it("agrees with package.json on every direct dependency", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const root = lock.packages[""] as unknown as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect(root.devDependencies).toEqual(pkg.devDependencies);
  });
});

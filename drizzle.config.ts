import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` is used: migrations are applied by the server at start-up
// (drizzle-kit migrate cannot load PostGIS into PGlite; see STACK.md).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  extensionsFilters: ["postgis"],
});

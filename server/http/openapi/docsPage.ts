import path from "node:path";
import { createRequire } from "node:module";
import express, { Router } from "express";

const require = createRequire(import.meta.url);
/** swagger-ui-dist's files, served from node_modules: the page loads nothing from elsewhere. */
const swaggerUiDir = path.dirname(require.resolve("swagger-ui-dist/package.json"));

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>OMS Control Room API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  <style>body { margin: 0 } .swagger-ui .topbar { display: none }</style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>`;

// In a file of its own, not inline, so a Content-Security-Policy without 'unsafe-inline' allows it.
const init = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true, tryItOutEnabled: false });`;

/** `GET /api/docs`: the API description rendered by Swagger UI. Open to anyone, like the description. */
export function apiDocsRouter(): Router {
  const router = Router();
  router.get("/", (_req, res) => void res.type("html").send(page));
  router.get("/init.js", (_req, res) => void res.type("js").send(init));
  router.use(express.static(swaggerUiDir, { index: false, maxAge: "1d" }));
  return router;
}

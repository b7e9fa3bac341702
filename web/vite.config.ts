// Vite and Vitest configuration: React plugin, app version from package.json, dev proxy to query-api, jsdom tests.
/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

// query-api serves the built SPA and answers /api and /readyz on 127.0.0.1:8081.
const backend = "http://127.0.0.1:8081";

export default defineConfig({
  plugins: [react()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  server: {
    proxy: {
      "/api": { target: backend, changeOrigin: false },
      "/readyz": { target: backend, changeOrigin: false },
    },
  },
  build: { outDir: "dist", emptyOutDir: true },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});

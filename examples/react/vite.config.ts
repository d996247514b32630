import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      "@": path.resolve(root, "src"),
    },
    dedupe: ["react", "react-dom"],
  },
  // The dev server serves only this app: SITE_URL (and Better Auth's trusted
  // origin) is http://localhost:<port>, so the port must not drift.
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
});

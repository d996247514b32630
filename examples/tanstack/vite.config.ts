import { tanstackStart } from "@tanstack/react-start/plugin/vite";
import viteReact from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [tanstackStart(), viteReact()],
  resolve: {
    // "@/…" → src/…, "~/…" → the app root (for ~/convex/_generated/api)
    tsconfigPaths: true,
  },
  optimizeDeps: {
    // convex-better-auth is a workspace link here, so Vite treats it as source
    // and finds these imports of it only on the first page load, then reloads
    // the page to re-optimize. Listing them avoids that reload in `vite dev`.
    include: ["convex/react", "jose"],
  },
  ssr: {
    noExternal: ["convex-better-auth"],
  },
});

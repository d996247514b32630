/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The deployment's Convex URL (queries, mutations, the WebSocket). */
  readonly VITE_CONVEX_URL: string;
  /** The deployment's HTTP-actions origin, where Better Auth answers. */
  readonly VITE_CONVEX_SITE_URL: string;
  /** This app's own origin (the deployment's SITE_URL). */
  readonly VITE_SITE_URL: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

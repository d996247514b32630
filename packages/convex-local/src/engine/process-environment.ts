/**
 * Deployment environment variables, made visible the only way convex-test
 * allows: on the process's own `process.env` (convex-local runs one
 * deployment per process). Remembers what it overwrote so `restore()` puts
 * the process back as it was.
 */

/** Controls the variables an engine placed on `process.env`. */
export type ProcessEnvironment = {
  /** Replaces the deployment variables; the system URLs always win. */
  setDeploymentVariables(variables: Record<string, string>): void;
  /** Removes every variable this object set and restores overwritten values. */
  restore(): void;
};

/**
 * Sets `CONVEX_CLOUD_URL` and `CONVEX_SITE_URL` (trailing slashes trimmed, as
 * the backend does) and returns the controller for deployment variables.
 *
 * @example
 * const env = createProcessEnvironment({ cloudUrl: "http://127.0.0.1:3210", siteUrl: "http://127.0.0.1:3211" });
 * env.setDeploymentVariables({ OPENAI_KEY: "sk-…" });
 */
export function createProcessEnvironment(urls: { cloudUrl: string; siteUrl: string }): ProcessEnvironment {
  const originals = new Map<string, string | undefined>();
  const system: Record<string, string> = {
    CONVEX_CLOUD_URL: urls.cloudUrl.replace(/\/+$/, ""),
    CONVEX_SITE_URL: urls.siteUrl.replace(/\/+$/, ""),
  };
  let deploymentKeys = new Set<string>();

  function assign(key: string, value: string | undefined): void {
    if (!originals.has(key)) originals.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }

  for (const [key, value] of Object.entries(system)) assign(key, value);

  return {
    setDeploymentVariables(variables) {
      const next = new Set(Object.keys(variables).filter((key) => !(key in system)));
      for (const key of deploymentKeys) if (!next.has(key)) assign(key, originals.get(key));
      for (const key of next) assign(key, variables[key]);
      deploymentKeys = next;
    },
    restore() {
      for (const [key, value] of originals) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      originals.clear();
      deploymentKeys = new Set();
    },
  };
}

import { pathToFileURL } from "node:url";
import type { AuthInfo } from "./push-types.ts";
import { CodedError, isCodedError } from "./coded-error.ts";
import { importUserModule } from "./import-user-module.ts";

const MISSING_VARIABLE = /^Environment variable (\S+) is used in auth config file but its value was not set/;

/**
 * Imports the root's `auth.config.js` with a `process.env` that throws for
 * unset names and maps its `providers` to the `appAuth` entries the CLI
 * reads. A missing variable becomes `AuthConfigMissingEnvironmentVariable`,
 * which the CLI turns into "set it with `npx convex env set`" advice.
 *
 * @example
 * ```ts
 * const appAuth = await evaluateAuthConfig(rootDir, { CONVEX_SITE_URL: "http://127.0.0.1:3211" });
 * ```
 */
export async function evaluateAuthConfig(dir: string, env: Record<string, string>): Promise<AuthInfo[]> {
  const previous = process.env;
  process.env = strictEnv(env, dir);
  let namespace: Record<string, unknown>;
  try {
    namespace = await importUserModule(dir, "auth.config.js");
  } catch (error) {
    const match = isCodedError(error) ? MISSING_VARIABLE.exec(innermostMessage(error.message)) : null;
    if (match) {
      throw new CodedError(
        "AuthConfigMissingEnvironmentVariable",
        `Environment variable ${match[1]} is used in auth config file but its value was not set.`,
      );
    }
    throw error;
  } finally {
    process.env = previous;
  }
  const config = namespace.default as { providers?: unknown } | undefined;
  if (!config || typeof config !== "object") {
    throw new CodedError(
      "InvalidAuthConfig",
      "auth.config.ts must have a default export: `export default { providers: [...] }`.",
    );
  }
  const providers = config.providers ?? [];
  if (!Array.isArray(providers)) {
    throw new CodedError("InvalidAuthConfig", "`providers` in auth.config.ts must be an array.");
  }
  return providers.map(toAuthInfo);
}

function innermostMessage(message: string): string {
  const at = message.indexOf("Environment variable ");
  return at === -1 ? message : message.slice(at);
}

/**
 * A `process.env` stand-in that throws the backend's message when the auth
 * config reads an unset name. Node's own loader reads settings such as
 * `NODE_V8_COVERAGE` from `process.env` while importing; those reads come from
 * frames outside the pushed files and just get `undefined`.
 */
function strictEnv(env: Record<string, string>, modulesDir: string): NodeJS.ProcessEnv {
  return new Proxy({ ...env } as NodeJS.ProcessEnv, {
    get(target, name) {
      if (typeof name !== "string") return undefined;
      if (Object.hasOwn(target, name)) return target[name];
      if (!calledFromPushedCode(modulesDir)) return undefined;
      throw new Error(`Environment variable ${name} is used in auth config file but its value was not set`);
    },
  });
}

/** Whether a frame of the current stack runs code from a file under `dir`. */
function calledFromPushedCode(dir: string): boolean {
  const dirUrl = pathToFileURL(dir).href;
  const original = Error.prepareStackTrace;
  // Raw call sites name the files actually running, before source mapping.
  Error.prepareStackTrace = (_error, sites) => sites;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder);
  const sites = holder.stack ?? [];
  Error.prepareStackTrace = original;
  return sites.some((site) => {
    const file = site.getFileName() ?? "";
    return file.startsWith(dirUrl) || file.startsWith(dir);
  });
}

function toAuthInfo(provider: unknown, index: number): AuthInfo {
  const p = provider as Record<string, unknown>;
  const fail = (why: string): never => {
    throw new CodedError("InvalidAuthConfig", `Invalid auth provider at index ${index} in auth.config.ts: ${why}`);
  };
  if (typeof p !== "object" || p === null) fail("expected an object");
  if (p.type === "customJwt") {
    if (typeof p.issuer !== "string") fail("customJwt `issuer` must be a string");
    if (typeof p.jwks !== "string") fail("customJwt `jwks` must be a string");
    const algorithm = p.algorithm as string;
    if (algorithm !== "RS256" && algorithm !== "ES256") fail("customJwt `algorithm` must be RS256 or ES256");
    const applicationID = p.applicationID ?? null;
    if (applicationID !== null && typeof applicationID !== "string") fail("`applicationID` must be a string");
    return {
      type: "customJwt",
      applicationID: applicationID as string | null,
      issuer: p.issuer as string,
      jwks: p.jwks as string,
      algorithm,
    };
  }
  if (typeof p.domain !== "string") fail("`domain` must be a string");
  if (typeof p.applicationID !== "string") fail("`applicationID` must be a string");
  return { domain: p.domain as string, applicationID: p.applicationID as string };
}

import { handler } from "@/lib/auth-server";

// The headers Better Auth needs from the browser's request: the session
// cookie, the origin it checks against trustedOrigins, and the client
// identity its rate limiter and session rows use.
const FORWARDED_HEADERS = ["cookie", "origin", "referer", "user-agent", "x-forwarded-for"];

/**
 * Runs a Better Auth endpoint for a form the browser posted itself (before
 * the page hydrated, or with JavaScript off) and answers with a 303 redirect
 * that carries Better Auth's cookies. Credentials travel in the POST body
 * only; a failure redirects with Better Auth's error code, never the input.
 */
export async function postAuthForm(
  request: Request,
  options: {
    endpoint: string;
    body: Record<string, string>;
    onSuccess: string;
    /** Where to go when Better Auth refuses, given its error code (e.g. INVALID_EMAIL_OR_PASSWORD). */
    onFailure: (code: string) => string;
  },
): Promise<Response> {
  const headers = new Headers({ "content-type": "application/json" });
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const response = await handler(
    new Request(new URL(`/api/auth${options.endpoint}`, request.url), {
      method: "POST",
      headers,
      body: JSON.stringify(options.body),
    }),
  );
  const location = response.ok ? options.onSuccess : options.onFailure(await errorCode(response));
  const redirect = new Headers({ location, "cache-control": "no-store" });
  for (const cookie of response.headers.getSetCookie()) redirect.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers: redirect });
}

async function errorCode(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { code?: unknown };
    if (typeof body.code === "string" && /^[A-Z0-9_]{1,64}$/.test(body.code)) return body.code;
  } catch {
    // not JSON
  }
  return "UNKNOWN";
}

/** The form's text fields, by name (missing fields are empty strings). */
export async function readFormFields<const Name extends string>(request: Request, names: readonly Name[]) {
  const form = await request.formData().catch(() => new FormData());
  return Object.fromEntries(names.map((name) => [name, String(form.get(name) ?? "")])) as Record<Name, string>;
}

/**
 * Malformed requests for Better Auth's HTTP API, as fast-check arbitraries:
 * wrong types, deep nesting, huge strings, invalid JSON, wrong content types,
 * compressed bodies, garbage query strings and headers. Shared by the
 * in-process fuzz test and the one over sockets on convex-local.
 */
import fc from "fast-check";

/** One route Better Auth serves: its path (with `:params`) and methods. */
export type AuthRoute = { path: string; methods: string[] };

/** A request to send, relative to the auth base path. */
export type FuzzRequest = {
  method: string;
  /** Path with params filled and the query string, e.g. `/sign-in/email?x=1`. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer> | string;
  signedIn: boolean;
  /** What the body is, for failure reports. */
  label: string;
};

const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * The routes an instance's router serves: every endpoint with a path that
 * is not server-only, with its methods (`*` meaning all).
 *
 * @example
 * ```ts
 * const routes = routesOf(createAuth(ctx).api);
 * ```
 */
export function routesOf(api: Record<string, unknown>): AuthRoute[] {
  const routes = new Map<string, Set<string>>();
  for (const endpoint of Object.values(api)) {
    const { path, options } = endpoint as {
      path?: string;
      options?: { method?: string | string[]; metadata?: { SERVER_ONLY?: boolean } };
    };
    if (typeof path !== "string" || !path.startsWith("/") || options?.metadata?.SERVER_ONLY) continue;
    const declared = options?.method ?? "GET";
    const methods = (Array.isArray(declared) ? declared : [declared]).flatMap((m) => (m === "*" ? ALL_METHODS : [m]));
    const known = routes.get(path) ?? new Set<string>();
    for (const method of methods) known.add(method.toUpperCase());
    routes.set(path, known);
  }
  return [...routes]
    .map(([path, methods]) => ({ path, methods: [...methods].sort() }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Field names Better Auth endpoints read, so malformed values land where they matter. */
const FIELDS = [
  "email",
  "password",
  "newPassword",
  "currentPassword",
  "name",
  "image",
  "token",
  "callbackURL",
  "id",
  "userId",
  "sessionToken",
  "organizationId",
  "teamId",
  "memberId",
  "role",
  "slug",
  "providerId",
  "code",
  "otp",
  "phoneNumber",
  "username",
  "displayUsername",
  "key",
  "keyId",
  "limit",
  "offset",
  "sortBy",
  "sortDirection",
  "searchValue",
  "type",
  "rememberMe",
  "expiresIn",
  "metadata",
  "permissions",
  "trustDevice",
  "backupCode",
  "invitationId",
  "data",
  "value",
];

const DEPTHS = [64, 1_000, 15_000];

/** `[[[…"x"…]]]` as JSON text, `depth` levels deep, without building it in memory first. */
export function deepArrayJson(depth: number): string {
  return `${"[".repeat(depth)}"x"${"]".repeat(depth)}`;
}

const weirdString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "../../etc/passwd",
    "<script>",
    "' OR 1=1 --",
    "%%%",
    "NaN",
    "null",
    "__proto__",
    "constructor",
  ),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => "x".repeat(n)),
);

const weirdValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    weirdString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...FIELDS, "__proto__", "$where"), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** A JSON object whose known fields hold wrong types, or a deeply nested one. */
const jsonBody = fc.oneof(
  fc
    .dictionary(fc.constantFrom(...FIELDS), weirdValue, { maxKeys: 6 })
    .map((value) => ({ text: JSON.stringify(value), label: "object" })),
  fc.jsonValue({ maxDepth: 6 }).map((value) => ({ text: JSON.stringify(value) ?? "null", label: "json" })),
  fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...DEPTHS)).map(([field, depth]) => ({
    text: `{${JSON.stringify(field)}:${deepArrayJson(depth)}}`,
    label: `${field} nested ${depth} deep`,
  })),
  fc.string({ maxLength: 60 }).map((text) => ({ text, label: "not JSON" })),
  fc
    .constantFrom('{"email":', "{", "[", '{"a":1}}', "\u0000", '{"email":"a@b.co","password":')
    .map((text) => ({ text, label: "broken JSON" })),
  fc.constant({ text: "", label: "empty" }),
);

const contentType = fc.constantFrom(
  "application/json",
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/json; charset=utf-16",
  "",
);

const queryString = fc
  .dictionary(fc.constantFrom(...FIELDS), fc.oneof(weirdString, fc.constant("")), { maxKeys: 4 })
  .map((query) => {
    const text = new URLSearchParams(query as Record<string, string>).toString();
    return text ? `?${text}` : "";
  });

const garbageHeaders = fc.record(
  {
    cookie: fc.constantFrom(
      "better-auth.session_token=%%%",
      "better-auth.session_token=abc.def",
      "a=b; ;;=",
      "better-auth.convex_jwt=x.y.z",
    ),
    authorization: fc.constantFrom(
      "Bearer ",
      "Bearer not.a.token",
      "Basic Zm9vOmJhcg==",
      "Bearer " + "a".repeat(5_000),
    ),
    origin: fc.constantFrom("null", "http://evil.example", "http://localhost:3000"),
    "x-forwarded-for": fc.constantFrom("::1", "not-an-ip", "1.1.1.1, 2.2.2.2"),
  },
  { requiredKeys: [] },
);

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * An arbitrary malformed request to one of `routes` (sometimes with a method
 * the route does not accept). Compressed bodies are gzipped by
 * {@link materialize}.
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(fuzzRequests(routes), async (spec) => send(await materialize(spec))));
 * ```
 */
export function fuzzRequests(routes: readonly AuthRoute[], options: { wrongMethods?: boolean } = {}) {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      methodPick: fc.nat(),
      wrongMethod: fc.integer({ min: 0, max: 9 }).map((n) => n === 0 && options.wrongMethods !== false),
      param: weirdString,
      query: queryString,
      body: jsonBody,
      contentType,
      compress: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
      headers: garbageHeaders,
      signedIn: fc.boolean(),
    })
    .map((spec) => {
      const methods = spec.wrongMethod ? ALL_METHODS : spec.route.methods;
      const method = methods[spec.methodPick % methods.length]!;
      const path =
        spec.route.path.replace(/:[A-Za-z]+/g, () => encodeURIComponent(spec.param.slice(0, 200) || "x")) + spec.query;
      return { ...spec, method, path };
    });
}

/**
 * Every (route, method) pair as a one-method route, for a sweep that sends
 * at least one generated request to each.
 *
 * @example
 * ```ts
 * for (const pair of routeMethodPairs(routes)) fc.sample(fuzzRequests([pair], { wrongMethods: false }), 1);
 * ```
 */
export function routeMethodPairs(routes: readonly AuthRoute[]): AuthRoute[] {
  return routes.flatMap((route) => route.methods.map((method) => ({ path: route.path, methods: [method] })));
}

/** A generated spec as the request to send. */
export type FuzzSpec = ReturnType<typeof fuzzRequests> extends fc.Arbitrary<infer T> ? T : never;

/**
 * Turns a spec into a request: headers, and a body (gzipped when asked)
 * except for GET, which carries none.
 *
 * @example
 * ```ts
 * const request = await materialize(spec, { origin: "http://localhost:3000" });
 * ```
 */
export async function materialize(spec: FuzzSpec, base: Record<string, string>): Promise<FuzzRequest> {
  const headers: Record<string, string> = { ...base, ...(spec.headers as Record<string, string>) };
  if (spec.contentType) headers["content-type"] = spec.contentType;
  let body: Uint8Array<ArrayBuffer> | string | undefined;
  if (spec.method !== "GET") {
    body = spec.compress ? await gzip(spec.body.text) : spec.body.text;
    if (spec.compress) headers["content-encoding"] = "gzip";
  }
  const label = `${spec.body.label}${spec.compress ? " (gzip)" : ""}, ${spec.contentType || "no content-type"}`;
  return { method: spec.method, path: spec.path, headers, body, signedIn: spec.signedIn, label };
}

/**
 * The cookies a response sets, minus the ones it clears, ready for a Cookie header.
 *
 * @example
 * ```ts
 * const cookie = sessionCookies(await fetch(`${site}/api/auth/sign-in/email`, init));
 * ```
 */
export function sessionCookies(response: Response): string {
  return response.headers
    .getSetCookie()
    .filter((line) => !/max-age=0/i.test(line))
    .map((line) => line.split(";")[0]!)
    .join("; ");
}

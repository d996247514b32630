/**
 * The operations compared, each run the way an app runs it: Convex queries
 * and actions through the app's functions, Better Auth endpoints as HTTP
 * requests to the deployment's routes. Every run checks its answer, so a
 * side that fails an operation fails the bench instead of timing an error.
 */
import { anyApi } from "convex/server";
import { PASSWORD, SITE_URL } from "../engine/bench-env.ts";
import type { PreparedSide } from "./prepare-side.ts";

export type Operation = {
  id: string;
  label: string;
  /**
   * Whether the sanity pass re-checks the accelerated engine against stock
   * convex-test at this size. Stock convex-test visits the whole table for
   * every page of a scan: minutes per run at 100,000 users.
   */
  verifyEngine?: (users: number) => boolean;
  /** Documents any implementation must read, for `users` users. */
  floor: (users: number) => number;
  /** Why the floor is what it is. */
  floorWhy: string;
  /** Most timed runs per side (after warm-up); a time budget may stop earlier. */
  maxRuns: number;
  /** Runs add users (sign-up): kept after count, and out of the sanity pass before timing. */
  addsUsers?: boolean;
  /** One run; throws if the answer is not the expected one. */
  run: (p: PreparedSide) => Promise<void>;
};

function check(ok: boolean, what: string, p: PreparedSide, detail: unknown): void {
  if (!ok)
    throw new Error(`${p.side.id}: ${what} failed: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
}

async function getJson(p: PreparedSide, path: string): Promise<{ status: number; body: any }> {
  const response = await p.t.fetch(path, { headers: { cookie: p.targetCookie } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Users each side's sign-up runs added, so count knows what to expect. */
const signedUp = new Map<string, number>();

export const operations: Operation[] = [
  {
    id: "getAuthUser",
    label: "getAuthUser in a query",
    floor: () => 2,
    floorWhy: "the session (to reject revoked or expired ones) and the user",
    maxRuns: 200,
    async run(p) {
      const user = await p.asTarget.query(anyApi.ops.getAuthUser, {});
      check(user?.email === p.targetEmail, "getAuthUser", p, user);
    },
  },
  {
    id: "convexToken",
    label: "GET /convex/token",
    floor: () => 3,
    floorWhy: "session by token, its user, and the signing key (keys kept in the database, the default)",
    // A target compares its time with the prior art's: more runs for a steadier median.
    maxRuns: 200,
    async run(p) {
      const { status, body } = await getJson(p, "/api/auth/convex/token");
      check(status === 200 && typeof body?.token === "string", "/convex/token", p, { status, body });
    },
  },
  {
    id: "signIn",
    label: "POST /sign-in/email",
    floor: () => 2,
    floorWhy:
      "the user by email and its credential account; the new session is a write (both libraries also read it " +
      "back after inserting it, and read the signing key to set the convex_jwt cookie)",
    // Each run hashes a password with scrypt on purpose: fewer runs.
    maxRuns: 40,
    async run(p) {
      const response = await p.t.fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: SITE_URL },
        body: JSON.stringify({ email: p.signInEmail, password: PASSWORD }),
      });
      const body = await response.json();
      check(response.status === 200 && body?.user?.email === p.signInEmail, "sign-in", p, {
        status: response.status,
        body,
      });
    },
  },
  {
    id: "getSession",
    label: "GET /get-session",
    floor: () => 2,
    floorWhy: "the session by token and its user",
    maxRuns: 100,
    async run(p) {
      const { status, body } = await getJson(p, "/api/auth/get-session");
      check(status === 200 && body?.user?.email === p.targetEmail, "get-session", p, { status, body });
    },
  },
  {
    id: "listSessions",
    label: "GET /list-sessions",
    floor: () => 3,
    floorWhy: "the caller's session and user, then the user's sessions (1 here)",
    // The prior art scans the session table here (see the report).
    verifyEngine: (users) => users <= 10_000,
    maxRuns: 100,
    async run(p) {
      const { status, body } = await getJson(p, "/api/auth/list-sessions");
      check(status === 200 && Array.isArray(body) && body.length === 1, "list-sessions", p, { status, body });
    },
  },
  {
    id: "countUsers",
    label: "count users",
    floor: (users) => users,
    floorWhy: "every user, with no aggregate kept",
    verifyEngine: (users) => users <= 10_000,
    maxRuns: 30,
    async run(p) {
      const count = await p.t.action(anyApi.ops.countUsers, {});
      const expected = p.users + (signedUp.get(p.side.id) ?? 0);
      check(count === expected, "count", p, { count, expected });
    },
  },
  {
    id: "findUserByEmail",
    label: "find user by email",
    floor: () => 1,
    floorWhy: "the user",
    maxRuns: 200,
    async run(p) {
      const found = await p.t.query(anyApi.ops.findUserByEmail, { email: p.targetEmail });
      check(found?.email === p.targetEmail, "find by email", p, found);
    },
  },
  {
    id: "signUp",
    label: "POST /sign-up/email",
    floor: () => 1,
    floorWhy:
      "the user by email, to refuse a taken one; the user, its account and its session are writes (ours also " +
      "journals them so a crash mid-way rolls back; the session insert commits the journal, so no extra call)",
    // Each run hashes a password with scrypt and adds a user: few runs, and last, after count.
    maxRuns: 30,
    addsUsers: true,
    async run(p) {
      const n = (signedUp.get(p.side.id) ?? 0) + 1;
      const email = `bench-sign-up-${p.side.id}-${n}@example.com`;
      const response = await p.t.fetch("/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: SITE_URL },
        body: JSON.stringify({ name: "Bench Sign-up", email, password: PASSWORD }),
      });
      const body = await response.json();
      if (response.status === 200) signedUp.set(p.side.id, n);
      check(response.status === 200 && body?.user?.email === email, "sign-up", p, { status: response.status, body });
    },
  },
];

/**
 * `resume()`: the app is in front again (tab visible, React Native
 * `AppState` "active") after time in the background, where Convex's own
 * refresh timer may not have run.
 */
import { describe, expect, it, vi } from "vitest";
import { createTokenManager } from "./token-manager.js";
import type { TokenFetchOutcome } from "./token-manager-types.js";

let serial = 0;
let clock = Date.now();

/** An unsigned JWT-shaped token minted at `clock`: the manager only reads `exp`. */
function jwt(lifetimeSeconds = 900): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const iat = Math.floor(clock / 1000);
  return `${encode({ alg: "RS256" })}.${encode({ sub: `t${++serial}`, iat, exp: iat + lifetimeSeconds })}.sig`;
}

const token = (value: string): TokenFetchOutcome => ({ kind: "token", token: value });
const NETWORK: TokenFetchOutcome = { kind: "transient", error: new TypeError("fetch failed") };

/** A manager on the test's clock whose fetches answer from `script` in order. */
function setup(
  script: TokenFetchOutcome[],
  options: { sleep?: (ms: number, signal: AbortSignal) => Promise<void> } = {},
) {
  const fetchToken = vi.fn(async () => {
    const next = script.shift();
    if (!next) throw new Error("unexpected fetch");
    return next;
  });
  const manager = createTokenManager({ fetchToken, now: () => clock, random: () => 0.5, ...options });
  return { manager, fetchToken };
}

/** Signed in, with Convex holding a first token; later answers are pushed to `script`. */
async function signedIn() {
  const script: TokenFetchOutcome[] = [token(jwt())];
  const harness = setup(script);
  harness.manager.observeSession({ kind: "session", sessionId: "s1" });
  await harness.manager.fetchAccessToken({ forceRefreshToken: false });
  harness.fetchToken.mockClear();
  return { ...harness, script };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("createTokenManager: resume", () => {
  it("renews a token that expired in the background and gives it to Convex's next forced request without another call", async () => {
    const { manager, fetchToken, script } = await signedIn();
    clock += 16 * 60_000;
    const renewed = jwt();
    const later = jwt();
    script.push(token(renewed), token(later));

    manager.resume();
    await settle();
    expect(fetchToken).toHaveBeenCalledTimes(1);
    // Convex reconnects with the expired token, is refused, and forces a refresh.
    expect(await manager.fetchAccessToken({ forceRefreshToken: true })).toBe(renewed);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    // Once Convex holds the renewed token, forcing means "newer than that" again.
    expect(await manager.fetchAccessToken({ forceRefreshToken: true })).toBe(later);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("renews a token with less than a minute left, and shares the request with Convex asking meanwhile", async () => {
    const { manager, fetchToken } = await signedIn();
    clock += 900_000 - 30_000;
    const renewed = jwt();
    let answer!: (outcome: TokenFetchOutcome) => void;
    fetchToken.mockImplementation(() => new Promise<TokenFetchOutcome>((resolve) => (answer = resolve)));

    manager.resume();
    const asked = manager.fetchAccessToken({ forceRefreshToken: true });
    answer(token(renewed));
    expect(await asked).toBe(renewed);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("leaves a token with more than a minute left alone: coming back costs no request", async () => {
    const { manager, fetchToken } = await signedIn();
    clock += 5 * 60_000;
    manager.resume();
    await settle();
    expect(fetchToken).not.toHaveBeenCalled();
  });

  it("fetches nothing while loading or signed out", async () => {
    const { manager, fetchToken } = setup([]);
    manager.resume();
    manager.observeSession({ kind: "no-session" });
    manager.resume();
    await settle();
    expect(fetchToken).not.toHaveBeenCalled();
  });

  it("cuts a pending retry delay short", async () => {
    const renewed = jwt();
    const sleeps: number[] = [];
    const { manager, fetchToken } = setup([NETWORK, token(renewed)], {
      sleep: (ms, signal) =>
        new Promise((resolve) => {
          sleeps.push(ms);
          signal.addEventListener("abort", () => resolve());
        }),
    });
    manager.observeSession({ kind: "session", sessionId: "s1" });
    const pending = manager.fetchAccessToken({ forceRefreshToken: false });
    await vi.waitFor(() => expect(sleeps).toHaveLength(1));
    manager.resume();
    expect(await pending).toBe(renewed);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });
});

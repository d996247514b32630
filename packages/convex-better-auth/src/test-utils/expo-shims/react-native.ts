/**
 * The parts of `react-native` that `@better-auth/expo/client` and an app's
 * provider set-up use, for tests under Node: `Platform` and an `AppState`
 * the test moves between "active" and "background". `vitest.config.ts`
 * aliases `react-native` here.
 *
 * @internal
 * @module
 */

type AppStateStatus = "active" | "background" | "inactive";
type AppStateListener = (state: AppStateStatus) => void;

const listeners = new Set<AppStateListener>();
let currentState: AppStateStatus = "active";

export const Platform = {
  OS: "ios" as "ios" | "android" | "web",
  select: <T>(choices: { ios?: T; default?: T }) => choices.ios ?? choices.default,
};

export const AppState = {
  get currentState(): AppStateStatus {
    return currentState;
  },
  addEventListener(type: "change", listener: AppStateListener): { remove(): void } {
    if (type !== "change") throw new Error(`AppState shim: unsupported event ${type}`);
    listeners.add(listener);
    return { remove: () => void listeners.delete(listener) };
  },
};

/**
 * Move the app to `state`, as the OS does when the user leaves or reopens it.
 *
 * @example
 * ```ts
 * setAppState("background");
 * setAppState("active");
 * ```
 */
export function setAppState(state: AppStateStatus): void {
  if (state === currentState) return;
  currentState = state;
  for (const listener of [...listeners]) listener(state);
}

/** How many `AppState` listeners are subscribed (for leak checks). */
export function appStateListenerCount(): number {
  return listeners.size;
}

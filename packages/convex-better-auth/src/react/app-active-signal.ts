/**
 * Subscribes a listener to "the app is in front again"; returns the
 * unsubscribe function. `ConvexBetterAuthProvider` calls the listener's
 * cue to wake pending token retries and renew a token that expired while
 * the app was in the background.
 *
 * @example
 * ```ts
 * import { AppState } from "react-native";
 *
 * const onAppActive: AppActiveSignal = (listener) => {
 *   const subscription = AppState.addEventListener("change", (state) => {
 *     if (state === "active") listener();
 *   });
 *   return () => subscription.remove();
 * };
 * ```
 */
export type AppActiveSignal = (listener: () => void) => () => void;

/**
 * What {@link appStateActiveSignal} needs from React Native's `AppState`:
 * typed structurally, so this package does not import `react-native`.
 *
 * @example
 * ```ts
 * import { AppState } from "react-native";
 *
 * const appState: AppStateLike = AppState;
 * ```
 */
export type AppStateLike = {
  currentState?: string | null | undefined;
  addEventListener(type: "change", listener: (state: string) => void): { remove(): void };
};

/**
 * The {@link AppActiveSignal} of a React Native app: `AppState` turning
 * "active" from "background" or "inactive". Create it once, outside
 * components, so the provider does not re-subscribe on every render.
 *
 * @param appState - `AppState` from `react-native`.
 * @returns A signal for the provider's `onAppActive`.
 *
 * @example
 * ```tsx
 * import { AppState } from "react-native";
 * import { appStateActiveSignal, ConvexBetterAuthProvider } from "convex-better-auth/react";
 *
 * const onAppActive = appStateActiveSignal(AppState);
 *
 * <ConvexBetterAuthProvider client={convex} authClient={authClient} onAppActive={onAppActive}>
 *   {children}
 * </ConvexBetterAuthProvider>;
 * ```
 */
export function appStateActiveSignal(appState: AppStateLike): AppActiveSignal {
  return (listener) => {
    let previous = appState.currentState;
    const subscription = appState.addEventListener("change", (state) => {
      // "inactive" → "active" is also a return (iOS app switcher, Control Centre).
      if (state === "active" && previous !== "active") listener();
      previous = state;
    });
    return () => subscription.remove();
  };
}

type EventTargetLike = {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
};

// React Native defines `window` (as the global object) without
// addEventListener, and no `document`: only a real DOM target counts.
function domTarget(name: "window" | "document"): EventTargetLike | undefined {
  const target = (globalThis as Record<string, unknown>)[name] as Partial<EventTargetLike> | undefined;
  return typeof target?.addEventListener === "function" && typeof target.removeEventListener === "function"
    ? (target as EventTargetLike)
    : undefined;
}

/**
 * The default {@link AppActiveSignal}: in a browser, the tab becoming
 * visible or the window gaining focus. Without a DOM (React Native, a
 * server render) it never fires; pass `onAppActive` there.
 *
 * @example
 * ```ts
 * const unsubscribe = browserAppActiveSignal(() => manager.resume());
 * ```
 */
export const browserAppActiveSignal: AppActiveSignal = (listener) => {
  const doc = domTarget("document");
  const win = domTarget("window");
  const onVisibilityChange = () => {
    if ((doc as { visibilityState?: string } | undefined)?.visibilityState === "visible") listener();
  };
  doc?.addEventListener("visibilitychange", onVisibilityChange);
  win?.addEventListener("focus", listener);
  return () => {
    doc?.removeEventListener("visibilitychange", onVisibilityChange);
    win?.removeEventListener("focus", listener);
  };
};

/**
 * Subscribes to the browser's `online` event, where there is one; a no-op
 * without a DOM.
 *
 * @internal
 * @example
 * ```ts
 * const unsubscribe = subscribeToBrowserOnline(manager.retryNow);
 * ```
 */
export function subscribeToBrowserOnline(listener: () => void): () => void {
  const win = domTarget("window");
  win?.addEventListener("online", listener);
  return () => win?.removeEventListener("online", listener);
}

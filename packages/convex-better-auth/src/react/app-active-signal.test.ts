// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import { appStateActiveSignal, browserAppActiveSignal } from "./app-active-signal.js";
import { AppState, appStateListenerCount, setAppState } from "../test-utils/expo-shims/react-native.js";

function setVisibility(state: "visible" | "hidden") {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  document.dispatchEvent(new Event("visibilitychange"));
}

describe("browserAppActiveSignal", () => {
  it("fires when the tab becomes visible or the window gains focus, and stops on unsubscribe", () => {
    const listener = vi.fn();
    const unsubscribe = browserAppActiveSignal(listener);
    setVisibility("hidden");
    expect(listener).not.toHaveBeenCalled();
    setVisibility("visible");
    window.dispatchEvent(new Event("focus"));
    expect(listener).toHaveBeenCalledTimes(2);

    unsubscribe();
    setVisibility("visible");
    window.dispatchEvent(new Event("focus"));
    expect(listener).toHaveBeenCalledTimes(2);
  });
});

describe("appStateActiveSignal", () => {
  it("fires when AppState returns to active from the background or inactive, not on other changes", () => {
    const listener = vi.fn();
    const unsubscribe = appStateActiveSignal(AppState)(listener);
    setAppState("inactive");
    setAppState("background");
    expect(listener).not.toHaveBeenCalled();
    setAppState("active");
    expect(listener).toHaveBeenCalledTimes(1);
    // iOS: the app switcher or Control Centre makes the app inactive, not background.
    setAppState("inactive");
    setAppState("active");
    expect(listener).toHaveBeenCalledTimes(2);

    unsubscribe();
    expect(appStateListenerCount()).toBe(0);
    setAppState("background");
    setAppState("active");
    expect(listener).toHaveBeenCalledTimes(2);
  });
});

/**
 * `expo-constants` for tests under Node: the app config of an app whose
 * scheme is "myapp". `vitest.config.ts` aliases `expo-constants` here.
 *
 * @internal
 * @module
 */
const Constants = { expoConfig: { scheme: "myapp" }, platform: {} as { scheme?: string } };

export default Constants;

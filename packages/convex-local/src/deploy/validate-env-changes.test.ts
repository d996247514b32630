import { describe, expect, it } from "vitest";
import { validateEnvChanges } from "./validate-env-changes.ts";

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe("validateEnvChanges", () => {
  it("applies sets and removals together", () => {
    expect(
      validateEnvChanges({ A: "1", B: "2" }, [
        { name: "C", value: "3" },
        { name: "A", value: null },
      ]),
    ).toEqual({ B: "2", C: "3" });
  });

  it("uses the backend's codes for bad names, values and built-ins", () => {
    expect(codeOf(() => validateEnvChanges({}, [{ name: "9X", value: "no" }]))).toBe("EnvironmentVariableNameInvalid");
    expect(codeOf(() => validateEnvChanges({}, [{ name: "A".repeat(257), value: "v" }]))).toBe(
      "EnvironmentVariableNameTooLong",
    );
    expect(codeOf(() => validateEnvChanges({}, [{ name: "BIG", value: "x".repeat(8193) }]))).toBe(
      "EnvironmentVariableValueTooLarge",
    );
    expect(codeOf(() => validateEnvChanges({}, [{ name: "CONVEX_SITE_URL", value: "x" }]))).toBe("EnvVarNameForbidden");
    expect(
      codeOf(() =>
        validateEnvChanges({}, [
          { name: "D", value: "1" },
          { name: "D", value: "2" },
        ]),
      ),
    ).toBe("EnvVarNameNotUnique");
    const many = Array.from({ length: 513 }, (_, i) => ({ name: `V${i}`, value: "x" }));
    expect(codeOf(() => validateEnvChanges({}, many))).toBe("EnvVarLimitMet");
  });

  it("accepts the regex's edge cases", () => {
    expect(
      validateEnvChanges({}, [
        { name: "_LEADING", value: "" },
        { name: "A".repeat(256), value: "v" },
      ]),
    ).toHaveProperty("_LEADING", "");
  });
});

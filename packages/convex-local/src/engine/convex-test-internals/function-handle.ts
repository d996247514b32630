/**
 * How convex-test addresses functions across components: the function
 * handles it accepts, and the component a scheduled call targets.
 */

/**
 * convex-test's function handle for a function in any component; its
 * `t.query/mutation/action` accept it like a function reference.
 *
 * @example
 * functionHandle("counter", "lib:increment"); // "function://counter;lib:increment"
 */
export function functionHandle(componentPath: string, udfPath: string): string {
  return `function://${componentPath};${udfPath}`;
}

/**
 * The component a `1.0/schedule` call targets, given the component it runs
 * in: a function handle names it, a component reference is a child, a name
 * is the caller's own.
 *
 * @example
 * scheduledTargetComponent({ reference: "_reference/childComponent/counter/lib/increment" }, ""); // "counter"
 */
export function scheduledTargetComponent(
  address: { functionHandle?: unknown; reference?: unknown },
  currentComponentPath: string,
): string {
  if (typeof address.functionHandle === "string") {
    const [componentPath = ""] = address.functionHandle.replace(/^function:\/\//, "").split(";");
    return componentPath;
  }
  if (typeof address.reference === "string") {
    const child = address.reference.split("/")[2] ?? "";
    return currentComponentPath === "" ? child : `${currentComponentPath}/${child}`;
  }
  return currentComponentPath;
}

/**
 * Watches syscalls of a convex-test instance for facts persistence needs
 * that convex-test doesn't keep: the bytes of stored files (convex-test
 * holds them as Blobs, which can't be read synchronously inside the commit
 * hook) and the target component of jobs scheduled into another component
 * (their `_scheduled_functions` document only records the function name).
 */
import { fileDigest, scheduledTargetComponent, wrapSyscalls, type InternalGlobal } from "./convex-test-internals.ts";

/** File bytes seen in storage syscalls, by their {@link fileDigest}. */
export type FileBytesBySha = Map<string, Uint8Array>;

/** What the observers report to. */
export type SyscallObserver = {
  fileBytes: FileBytesBySha;
  /** A job in `componentPath`'s `_scheduled_functions` will run a function of `targetComponentPath`. */
  scheduledElsewhere(componentPath: string, jobId: string, targetComponentPath: string): void;
};

/**
 * The component of the function running now, asked through `1.0/getFunctionMetadata`.
 *
 * @example
 * const componentPath = await currentComponentPath(global.asyncSyscall);
 */
export async function currentComponentPath(asyncSyscall: InternalGlobal["asyncSyscall"]): Promise<string> {
  const metadata = JSON.parse(await asyncSyscall("1.0/getFunctionMetadata", "{}")) as { componentPath?: unknown };
  if (typeof metadata.componentPath !== "string")
    throw new Error("`1.0/getFunctionMetadata` returned no `componentPath`");
  return metadata.componentPath;
}

/**
 * Installs the observers on one instance.
 *
 * @example
 * observeSyscalls(instance.global, { fileBytes: new Map(), scheduledElsewhere: store.writeScheduledTarget });
 */
export function observeSyscalls(global: InternalGlobal, observer: SyscallObserver): void {
  wrapSyscalls(global, {
    async: (original) => async (op, jsonArgs) => {
      if (op === "1.0/storageStore") {
        const { blob } = JSON.parse(jsonArgs) as { blob?: unknown };
        if (typeof blob === "string") {
          const bytes = new Uint8Array(Buffer.from(blob, "base64"));
          observer.fileBytes.set(fileDigest(bytes), bytes);
        }
        return await original(op, jsonArgs);
      }
      if (op !== "1.0/schedule") return await original(op, jsonArgs);
      const address = JSON.parse(jsonArgs) as { functionHandle?: unknown; reference?: unknown };
      if (address.functionHandle === undefined && address.reference === undefined) return await original(op, jsonArgs);
      const componentPath = await currentComponentPath(original);
      const target = scheduledTargetComponent(address, componentPath);
      const result = await original(op, jsonArgs);
      if (target !== componentPath) observer.scheduledElsewhere(componentPath, JSON.parse(result) as string, target);
      return result;
    },
    js: (original) => async (op, args) => {
      if (op === "storage/storeBlob" && args.blob instanceof Blob) {
        const bytes = new Uint8Array(await args.blob.arrayBuffer());
        observer.fileBytes.set(fileDigest(bytes), bytes);
      }
      return await original(op, args);
    },
  });
}

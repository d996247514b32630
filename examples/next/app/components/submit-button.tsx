"use client";

import { useFormStatus } from "react-dom";
import type { ReactNode } from "react";

/**
 * A form's submit button that shows it is working, whether the form runs
 * its server action (before hydration, or a form without onSubmit) or its
 * own onSubmit (`busy`).
 */
export function SubmitButton({
  busy = false,
  busyLabel,
  children,
}: {
  busy?: boolean;
  busyLabel: string;
  children: ReactNode;
}) {
  const { pending } = useFormStatus();
  const working = busy || pending;
  return (
    <button type="submit" disabled={working} aria-busy={working}>
      {working ? busyLabel : children}
    </button>
  );
}

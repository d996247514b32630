/**
 * What a form's server action returns to it (useActionState). Only messages:
 * Next's dev server logs a server action's arguments, and the previous state
 * is one of them, so nothing the user typed goes in here.
 */
export type FormState = { error: string } | { message: string } | null;

export function formError(state: FormState): string | null {
  return state && "error" in state ? state.error : null;
}

export function formMessage(state: FormState): string | null {
  return state && "message" in state ? state.message : null;
}

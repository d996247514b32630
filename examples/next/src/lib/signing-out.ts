// Set while this tab signs out, so the dashboard's "signed out elsewhere"
// redirect leaves the navigation to the sign-out itself. A full page load
// follows every sign-out, which resets it.
let signingOut = false;

export function setSigningOut(value: boolean): void {
  signingOut = value;
}

export function isSigningOut(): boolean {
  return signingOut;
}

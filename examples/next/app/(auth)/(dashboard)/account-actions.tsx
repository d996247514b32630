"use client";

import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { updatePassword } from "../../actions";

export function AccountActions() {
    const [error, setError] = useState<string | null>(null);
    const [message, setMessage] = useState<string | null>(null);
    const [pending, setPending] = useState(false);

    async function onChangePassword(event: FormEvent<HTMLFormElement>) {
        event.preventDefault();
        const form = event.currentTarget;
        const data = new FormData(form);
        setError(null);
        setMessage(null);
        setPending(true);
        try {
            await updatePassword({
                currentPassword: String(data.get("currentPassword")),
                newPassword: String(data.get("newPassword")),
            });
            form.reset();
            setMessage("Password changed");
        } catch {
            setError("Could not change the password");
        } finally {
            setPending(false);
        }
    }

    async function onSignOut() {
        await authClient.signOut();
        window.location.assign("/sign-in");
    }

    return (
        <div>
            <button type="button" onClick={onSignOut}>
                Sign out
            </button>
            <h2>Change password</h2>
            <form onSubmit={onChangePassword}>
                <label>
                    Current password
                    <input name="currentPassword" type="password" autoComplete="current-password" required />
                </label>
                <label>
                    New password
                    <input name="newPassword" type="password" autoComplete="new-password" minLength={8} required />
                </label>
                <button type="submit" disabled={pending}>
                    Change password
                </button>
            </form>
            {error && <p role="alert">{error}</p>}
            {message && <p role="status">{message}</p>}
        </div>
    );
}

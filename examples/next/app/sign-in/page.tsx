"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

export default function SignInPage() {
    const [error, setError] = useState<string | null>(null);
    const [pending, setPending] = useState(false);

    async function onSubmit(event: FormEvent<HTMLFormElement>) {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        setError(null);
        setPending(true);
        const { error } = await authClient.signIn.email({
            email: String(data.get("email")),
            password: String(data.get("password")),
        });
        if (error) {
            setError(error.message ?? "Sign in failed");
            setPending(false);
            return;
        }
        // A full navigation, so the dashboard is rendered on the server.
        window.location.assign("/");
    }

    return (
        <div>
            <h1>Sign in</h1>
            <form onSubmit={onSubmit}>
                <label>
                    Email
                    <input name="email" type="email" autoComplete="email" required />
                </label>
                <label>
                    Password
                    <input name="password" type="password" autoComplete="current-password" required />
                </label>
                <button type="submit" disabled={pending}>
                    Sign in
                </button>
            </form>
            {error && <p role="alert">{error}</p>}
            <p>
                No account yet? <Link href="/sign-up">Sign up</Link>
            </p>
        </div>
    );
}

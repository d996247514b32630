import React from "react";
import ReactDOM from "react-dom/client";
import App from "./App";
import "./index.css";
import { ConvexReactClient } from "convex/react";
import { ConvexBetterAuthProvider } from "convex-better-auth/react";
import { authClient } from "@/lib/auth-client";
import { WrongOrigin } from "@/components/WrongOrigin";

// No `expectAuth: true` (the guide's option to pause queries until the user is
// authenticated): the signed-out sign-in page runs a query too (the "Sign in
// with …" button), and <Authenticated> already keeps the user's queries back.
const convex = new ConvexReactClient(import.meta.env.VITE_CONVEX_URL as string);

// Better Auth trusts (and CORS allows) only SITE_URL's origin; opened anywhere
// else (127.0.0.1, a LAN address) every auth request would fail, so say where to go.
const siteOrigin = new URL(import.meta.env.VITE_SITE_URL).origin;

ReactDOM.createRoot(document.getElementById("root")!).render(
  <React.StrictMode>
    {window.location.origin === siteOrigin ? (
      <ConvexBetterAuthProvider client={convex} authClient={authClient}>
        <App />
      </ConvexBetterAuthProvider>
    ) : (
      <WrongOrigin siteOrigin={siteOrigin} />
    )}
  </React.StrictMode>,
);

import { useState } from "react";
import { Authenticated, AuthLoading, Unauthenticated } from "convex/react";
import SignIn from "./SignIn";
import SignUp from "./SignUp";
import { Dashboard } from "./components/Dashboard";

export default function App() {
  return (
    <>
      <AuthLoading>
        <p className="card" role="status" data-testid="auth-loading">
          Loading…
        </p>
      </AuthLoading>
      <Authenticated>
        <div data-testid="auth-authenticated">
          <Dashboard />
        </div>
      </Authenticated>
      <Unauthenticated>
        <div data-testid="auth-unauthenticated">
          <SignInOrSignUp />
        </div>
      </Unauthenticated>
    </>
  );
}

function SignInOrSignUp() {
  const [showSignIn, setShowSignIn] = useState(true);
  return (
    <main className="card">
      {showSignIn ? <SignIn /> : <SignUp />}
      <p>
        {showSignIn ? "No account yet? " : "Already have an account? "}
        <button type="button" className="link" onClick={() => setShowSignIn(!showSignIn)}>
          {showSignIn ? "Sign up" : "Sign in"}
        </button>
      </p>
    </main>
  );
}

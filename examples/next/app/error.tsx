"use client";

// Shown instead of a page that failed to render (Convex unreachable, a bug):
// the error is said, not swallowed, and the page can be retried.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert">
      <h1>Something went wrong</h1>
      <p>{error.message || "The page could not be loaded."}</p>
      {error.digest && <p>Reference: {error.digest}</p>}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}

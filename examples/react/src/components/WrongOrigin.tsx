/** Shown when the app is opened on an origin the auth server does not trust. */
export function WrongOrigin({ siteOrigin }: { siteOrigin: string }) {
  const here = `${siteOrigin}${window.location.pathname}${window.location.search}`;
  return (
    <main className="card">
      <h1>Open the app at {siteOrigin}</h1>
      <p role="alert">
        Sign-in only works on <a href={here}>{siteOrigin}</a>: it is the deployment's SITE_URL, the one origin Better
        Auth trusts and CORS allows. This page was opened on {window.location.origin}.
      </p>
    </main>
  );
}

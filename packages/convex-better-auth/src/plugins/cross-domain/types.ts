/**
 * Options of `crossDomain()`.
 *
 * @example
 * ```ts
 * const options: CrossDomainOptions = { siteUrl: process.env.SITE_URL! };
 * const several: CrossDomainOptions = { siteUrl: ["https://app.example.com", "https://admin.example.com"] };
 * ```
 */
export type CrossDomainOptions = {
  /**
   * Where the app's pages are served (e.g. `http://localhost:5173`): an
   * origin, or a URL whose path relative callback URLs resolve against.
   *
   * Several sites may share one Convex deployment: pass an array. Each
   * becomes a trusted origin and a CORS origin of `registerRoutes(…, {
   * cors: true })`. A request's relative `callbackURL` is made absolute on
   * the site it came from (its `Origin`), else on the first one; redirects
   * that start outside a page (the link in a verification email) land on the
   * first.
   */
  siteUrl: string | readonly string[];
};

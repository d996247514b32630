// Every provider reads its settings from deployment env vars, which the test
// sets (to its own JWKS/OIDC servers on free ports) before pushing.
export default {
  providers: [
    {
      type: "customJwt",
      issuer: process.env.CUSTOM_ISSUER,
      jwks: process.env.CUSTOM_JWKS,
      algorithm: "RS256",
      applicationID: "convex-local-test",
    },
    { type: "customJwt", issuer: process.env.DATA_ISSUER, jwks: process.env.DATA_JWKS, algorithm: "ES256" },
    { domain: process.env.OIDC_DOMAIN, applicationID: "oidc-app" },
    // Tokens from `ctx.auth.signJwt`, verified against this deployment's own JWKS.
    {
      type: "customJwt",
      issuer: process.env.CONVEX_CLOUD_URL,
      jwks: `${process.env.CONVEX_CLOUD_URL}/.well-known/jwks.json`,
      algorithm: "ES256",
      applicationID: "self",
    },
  ],
};

// The test points these at a key it generates, before pushing.
export default {
  providers: [
    {
      type: "customJwt",
      issuer: process.env.TEST_ISSUER,
      jwks: process.env.TEST_JWKS,
      algorithm: "ES256",
      applicationID: "component-rules",
    },
  ],
};

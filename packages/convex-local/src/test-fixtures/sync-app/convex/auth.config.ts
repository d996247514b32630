// Tests that need a user provider overwrite this file with a customJwt provider before pushing.
export default { providers: [] };

/**
 * Builds the `UserIdentity` a function sees from verified claims, with the
 * backend's mapping: OIDC standard claims get camelCase fields, custom JWT
 * claims pass through (nested objects flattened to dotted keys).
 */
import type { Caller } from "../engine/types.ts";

/** The identity of a `user` caller. */
export type UserIdentity = Extract<Caller, { kind: "user" }>["identity"];

/** OIDC standard claims and the `UserIdentity` fields they fill. */
const OIDC_FIELDS: Record<string, string> = {
  name: "name",
  given_name: "givenName",
  family_name: "familyName",
  nickname: "nickname",
  preferred_username: "preferredUsername",
  profile: "profileUrl",
  picture: "pictureUrl",
  website: "websiteUrl",
  email: "email",
  email_verified: "emailVerified",
  gender: "gender",
  birthdate: "birthday",
  zoneinfo: "timezone",
  locale: "language",
  phone_number: "phoneNumber",
  phone_number_verified: "phoneNumberVerified",
};

/**
 * Claims the OIDC library consumes into its own fields (so they never reach
 * the custom claims), plus those the backend drops explicitly.
 */
const OIDC_NOT_CUSTOM = new Set([
  "sub",
  "iss",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "nonce",
  "acr",
  "amr",
  "azp",
  "at_hash",
  "c_hash",
  "address",
  "updated_at",
  "jti",
  "nbf",
  "fva",
  ...Object.keys(OIDC_FIELDS),
]);

/** Registered JWT claims (and `fva`), which custom JWT identities leave out. */
const CUSTOM_JWT_NOT_CUSTOM = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "fva"]);

function baseIdentity(payload: Record<string, unknown>): UserIdentity {
  const issuer = payload.iss as string;
  const subject = payload.sub as string;
  return { tokenIdentifier: `${issuer}|${subject}`, subject, issuer };
}

/**
 * The identity of a verified OIDC ID token.
 *
 * @example
 * oidcUserIdentity({ iss: "https://idp", sub: "u1", email: "a@b.c", email_verified: true });
 * // { tokenIdentifier: "https://idp|u1", subject: "u1", issuer: "https://idp", email: "a@b.c", emailVerified: true }
 */
export function oidcUserIdentity(payload: Record<string, unknown>): UserIdentity {
  const identity = baseIdentity(payload);
  for (const [claim, field] of Object.entries(OIDC_FIELDS)) {
    const value = payload[claim];
    if (value !== undefined && value !== null) identity[field] = value;
  }
  const address = payload.address as { formatted?: unknown } | undefined;
  if (typeof address?.formatted === "string") identity.address = address.formatted;
  if (typeof payload.updated_at === "number") {
    // The backend formats the parsed timestamp with chrono's RFC 3339 (UTC as "+00:00").
    identity.updatedAt = new Date(payload.updated_at * 1000)
      .toISOString()
      .replace(/\.000Z$/, "+00:00")
      .replace(/Z$/, "+00:00");
  }
  for (const [claim, value] of Object.entries(payload)) {
    if (!OIDC_NOT_CUSTOM.has(claim) && value !== undefined) identity[claim] = value;
  }
  return identity;
}

function flatten(prefix: string, value: unknown, into: Record<string, unknown>): void {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(prefix === "" ? key : `${prefix}.${key}`, inner, into);
    return;
  }
  into[prefix] = value;
}

/**
 * The identity of a verified custom JWT.
 *
 * @example
 * customJwtUserIdentity({ iss: "https://a", sub: "u1", properties: { id: 1 } });
 * // { tokenIdentifier: "https://a|u1", subject: "u1", issuer: "https://a", "properties.id": 1 }
 */
export function customJwtUserIdentity(payload: Record<string, unknown>): UserIdentity {
  const identity = baseIdentity(payload);
  const custom: Record<string, unknown> = {};
  for (const [claim, value] of Object.entries(payload)) {
    if (!CUSTOM_JWT_NOT_CUSTOM.has(claim)) flatten(claim, value, custom);
  }
  // The typed fields win over a custom claim that flattens onto the same name.
  return { ...custom, ...identity };
}

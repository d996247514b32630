import { makeOps } from "../shared/make-ops.ts";
import { authComponent, createAuth } from "./auth.ts";

export const { getAuthUser, findUserByEmail, countUsers } = makeOps(authComponent, createAuth);

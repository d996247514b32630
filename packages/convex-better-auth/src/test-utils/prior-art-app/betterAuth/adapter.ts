import { createApi } from "convex-better-auth";
import { createAuthOptions } from "./auth";
import schema from "./schema";

export const { create, findOne, findMany, updateOne, updateMany, deleteOne, deleteMany } = createApi(
  schema,
  createAuthOptions,
);

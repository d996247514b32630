import { createComponentApi } from "../component-api/create-api.js";
import schema, { uniqueFields } from "./schema.js";

// The functions behind `authComponent.adapter(ctx)` and `getAuthUser`, over
// the generated schema that covers Better Auth core and the bundled plugins.
export const {
  create,
  findOne,
  findMany,
  count,
  updateOne,
  updateMany,
  deleteOne,
  deleteMany,
  consumeOne,
  incrementOne,
  getSession,
  getAuthUser,
  commitTransaction,
  rollbackTransaction,
  expireTransaction,
} = createComponentApi(schema, { uniqueFields });

/* eslint-disable */
/**
 * Generated `ComponentApi` utility for the betterAuth component: the type of
 * `components.betterAuth` in an app that uses it. App codegen imports it as
 * `convex-better-auth/_generated/component.js`.
 */
import type { FunctionReference } from "convex/server";

type Where = {
  field: string;
  operator?: "eq" | "ne" | "lt" | "lte" | "gt" | "gte" | "in" | "not_in" | "contains" | "starts_with" | "ends_with";
  value: string | number | boolean | null | Array<string | number | boolean | null>;
  connector?: "AND" | "OR";
  mode?: "sensitive" | "insensitive";
};
type PaginationOpts = { cursor: string | null; numItems: number };
type Handles = {
  onCreateHandle?: string;
  onUpdateHandle?: string;
  onDeleteHandle?: string;
  transaction?: { id: string; timeoutMs: number; undoHandle?: string };
};
type Batch = { count: number; isDone: boolean; continueCursor: string };

/**
 * A utility for referencing the betterAuth component's exposed API.
 *
 * Usage:
 * ```ts
 * async function myFunction(ctx: QueryCtx, component: ComponentApi) {
 *   return ctx.runQuery(component.adapter.findOne, { model: "user", where: [] });
 * }
 * ```
 */
export type ComponentApi<Name extends string | undefined = string | undefined> = {
  adapter: {
    create: FunctionReference<"mutation", "internal", { input: { model: string; data: any }; select?: string[] } & Handles, any, Name>;
    findOne: FunctionReference<"query", "internal", { model: string; where?: Where[]; select?: string[] }, any | null, Name>;
    findMany: FunctionReference<
      "query",
      "internal",
      {
        model: string;
        where?: Where[];
        sortBy?: { field: string; direction: "asc" | "desc" };
        limit?: number;
        offset?: number;
        select?: string[];
        paginationOpts?: PaginationOpts;
      },
      { page: any[]; isDone: boolean; continueCursor: string },
      Name
    >;
    count: FunctionReference<"query", "internal", { model: string; where?: Where[]; paginationOpts?: PaginationOpts }, Batch, Name>;
    updateOne: FunctionReference<"mutation", "internal", { input: { model: string; where?: Where[]; update: any } } & Handles, any | null, Name>;
    updateMany: FunctionReference<
      "mutation",
      "internal",
      { input: { model: string; where?: Where[]; update: any }; paginationOpts?: PaginationOpts } & Handles,
      Batch,
      Name
    >;
    deleteOne: FunctionReference<"mutation", "internal", { input: { model: string; where?: Where[] } } & Handles, any | null, Name>;
    deleteMany: FunctionReference<
      "mutation",
      "internal",
      { input: { model: string; where?: Where[] }; paginationOpts?: PaginationOpts } & Handles,
      Batch,
      Name
    >;
    consumeOne: FunctionReference<"mutation", "internal", { input: { model: string; where: Where[] } } & Handles, any | null, Name>;
    incrementOne: FunctionReference<
      "mutation",
      "internal",
      { input: { model: string; where: Where[]; increment: Record<string, number>; set?: any } } & Handles,
      any | null,
      Name
    >;
    getSession: FunctionReference<"query", "internal", { sessionId: string }, any | null, Name>;
    getAuthUser: FunctionReference<"query", "internal", { sessionId: string; userId?: string }, any | null, Name>;
    commitTransaction: FunctionReference<"mutation", "internal", { id: string }, { isDone: boolean }, Name>;
    rollbackTransaction: FunctionReference<"mutation", "internal", { id: string }, { isDone: boolean }, Name>;
  };
};

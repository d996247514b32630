/**
 * The app functions the bench calls, written once against the API both
 * libraries share (`createClient(...).getAuthUser`, `createAuth(ctx)` →
 * Better Auth's internal adapter), so both sides run the same app code.
 */
import { actionGeneric, queryGeneric } from "convex/server";
import { v } from "convex/values";
import { recordTransactionTotal } from "../../metering/call-log.ts";
import { meterCtx } from "../../metering/meter-ctx.ts";

type AuthClient = { getAuthUser: (ctx: any) => Promise<any> };
type CreateAuth = (ctx: any) => { $context: Promise<any> };

async function noteTotal(ctx: any) {
  const metrics = await ctx.meta.getTransactionMetrics();
  recordTransactionTotal({ documentsRead: metrics.documentsRead.used });
}

export function makeOps(authComponent: AuthClient, createAuth: CreateAuth) {
  return {
    /** What an app's `getCurrentUser` query does: the signed-in user from the JWT identity. */
    getAuthUser: queryGeneric({
      args: {},
      handler: async (ctx) => {
        const user = await authComponent.getAuthUser(meterCtx(ctx));
        await noteTotal(ctx);
        return user;
      },
    }),

    /** Better Auth's own lookup (`internalAdapter.findUserByEmail`), as sign-in and sign-up use it. */
    findUserByEmail: queryGeneric({
      args: { email: v.string() },
      handler: async (ctx, { email }) => {
        const context = await createAuth(ctx).$context;
        const found = await context.internalAdapter.findUserByEmail(email);
        await noteTotal(ctx);
        return found ? { email: found.user.email as string } : null;
      },
    }),

    /**
     * Better Auth's `internalAdapter.countTotalUsers()` (the admin plugin's
     * user list total). An action: counting pages through the table, and a
     * query may paginate only once.
     */
    countUsers: actionGeneric({
      args: {},
      handler: async (ctx): Promise<number> => {
        const context = await createAuth(ctx).$context;
        return await context.internalAdapter.countTotalUsers();
      },
    }),
  };
}

// A local install's client, as the prior art's local-install guide writes it.
import { createClient } from "convex-better-auth";
import { betterAuth } from "better-auth";
import { components } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import { query } from "./_generated/server";
import { createAuthOptions } from "./betterAuth/auth";
import authSchema from "./betterAuth/schema";

export const localAuthComponent = createClient<DataModel, typeof authSchema>(components.localAuth, {
  local: { schema: authSchema },
});

export const createLocalAuth = (ctx: Parameters<typeof localAuthComponent.adapter>[0]) =>
  betterAuth({ ...createAuthOptions(ctx), database: localAuthComponent.adapter(ctx) });

export const localUser = query({
  args: {},
  handler: async (ctx) => {
    const user = await localAuthComponent.getAuthUser(ctx);
    // The local schema's own field, typed.
    const color: string | null | undefined = user.favoriteColor;
    const viaComponent = await ctx.runQuery(components.localAuth.users.getUser, { userId: user._id });
    return { color, name: viaComponent?.name ?? null };
  },
});

import { redirect } from "next/navigation";
import { preloadedQueryResult } from "convex/nextjs";
import { isAuthenticated, preloadAuthQuery } from "@/lib/auth-server";
import { api } from "@/convex/_generated/api";
import Header from "./header";
import { AccountActions } from "./account-actions";

const Page = async () => {
  if (!(await isAuthenticated())) {
    redirect("/sign-in");
  }

  const [preloadedUserQuery] = await Promise.all([
    preloadAuthQuery(api.auth.getCurrentUser),
    // Load multiple queries in parallel if needed
  ]);
  // A token cookie whose session was revoked elsewhere: no user.
  if (preloadedQueryResult(preloadedUserQuery) === null) {
    redirect("/sign-in");
  }

  return (
    <div>
      <Header preloadedUserQuery={preloadedUserQuery} />
      <AccountActions />
    </div>
  );
};

export default Page;

import { redirect } from "next/navigation";
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

    return (
        <div>
            <Header preloadedUserQuery={preloadedUserQuery} />
            <AccountActions />
        </div>
    );
};

export default Page;

import { redirect } from "next/navigation";
import { fetchAuthQuery, isAuthenticated } from "@/lib/auth-server";
import { api } from "@/convex/_generated/api";
import { SignUpForm } from "./sign-up-form";

export default async function SignUpPage() {
  if ((await isAuthenticated()) && (await fetchAuthQuery(api.auth.getCurrentUser))) {
    redirect("/");
  }
  return <SignUpForm />;
}

import type { ReactNode } from "react";
import { ConvexClientProvider } from "./ConvexClientProvider";
import { getToken } from "@/lib/auth-server";
import "./globals.css";

export const metadata = {
  title: "Convex + Better Auth (Next.js)",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const token = await getToken();
  return (
    <html lang="en">
      <body>
        <ConvexClientProvider initialToken={token}>
          <main>{children}</main>
        </ConvexClientProvider>
      </body>
    </html>
  );
}

import { defineApp } from "convex/server";
import ledger from "../ledger/convex.config";

const app = defineApp();
app.use(ledger);

export default app;

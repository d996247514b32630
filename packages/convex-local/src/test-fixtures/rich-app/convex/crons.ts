import { cronJobs, makeFunctionReference } from "convex/server";

const crons = cronJobs();
crons.interval("record a ping", { hours: 1 }, makeFunctionReference<"mutation">("pings:record"));

export default crons;

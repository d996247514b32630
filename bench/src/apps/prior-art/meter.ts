export { query, mutation } from "../../metering/meter-functions.ts";

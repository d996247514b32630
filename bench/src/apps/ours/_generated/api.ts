export { api, internal, components } from "../../shared/generated-api.ts";

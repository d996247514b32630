import { makeHttp } from "../shared/make-http.ts";
import { authComponent, createAuth } from "./auth.ts";

export default makeHttp(authComponent, createAuth);

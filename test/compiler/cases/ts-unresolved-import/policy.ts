import { defineGateway } from "tollgate";
import { providers } from "./shared/providers.js";

export default defineGateway({ apiVersion: "tollgate/v1", providers: [...providers] });

import { defineGateway } from "tollgate";

let retries = 0;
while (retries >= 0) retries++;

export default defineGateway({ apiVersion: "tollgate/v1" });

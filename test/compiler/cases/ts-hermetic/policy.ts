import { defineGateway } from "tollgate";
import { readFileSync } from "node:fs";

const key = process.env.OPENAI_API_KEY;
const extra = require("./extra.json");
console.log(readFileSync, key, extra);

export default defineGateway({ apiVersion: "tollgate/v1" });

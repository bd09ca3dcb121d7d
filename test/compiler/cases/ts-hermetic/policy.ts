import { defineGateway } from "tollgate";
import { readFileSync } from "node:fs";

const key = process.env.OPENAI_API_KEY;
const fs = require("fs");
console.log(readFileSync, key, fs);

export default defineGateway({ apiVersion: "tollgate/v1" });

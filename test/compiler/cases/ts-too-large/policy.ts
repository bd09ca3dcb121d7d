import { defineGateway } from "tollgate";

// Generated data can outgrow what a policy file may hold (4 MiB).
const tests = Array.from({ length: 40_000 }, (_, i) => ({
  name: `generated test ${i} `.padEnd(120, "."),
  given: { model: "chat" },
  expect: { reject: { status: 401 as const } },
}));

export default defineGateway({ apiVersion: "tollgate/v1", tests });

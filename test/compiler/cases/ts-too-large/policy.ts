import { defineGateway } from "tollgate";

// Generated data can outgrow what a policy file may hold (4 MiB). Few, long items, so
// evaluating it stays far below the 1 s evaluation budget even on a loaded machine.
const tests = Array.from({ length: 400 }, (_, i) => ({
  name: `generated test ${i} `.padEnd(12_000, "."),
  given: { model: "chat" },
  expect: { reject: { status: 401 as const } },
}));

export default defineGateway({ apiVersion: "tollgate/v1", tests });

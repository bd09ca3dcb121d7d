/**
 * `npm start`: serves the embedded default policy (policies/default.yaml). With no
 * OPENAI_API_KEY set, the policy's optional `openai` provider is disabled and its
 * models fall back to the built-in mock upstream, which this script starts on
 * 127.0.0.1:9099 (the address the default policy names). Listens on
 * 127.0.0.1:$PORT (default 8080), on the listener TOLLGATE_SERVER names (default auto:
 * node:http, the one safe to expose directly; see runtime/server/choose-listener.ts).
 */
import { fileURLToPath } from "node:url";
import { startGateway } from "../runtime/gateway.js";
import { isAddressInUse } from "../runtime/server/port-in-use.js";
import { startMockUpstream, type MockUpstream } from "../tools/mock-upstream/index.js";
import { compileInMemory, parseServerChoice, untilSignal } from "./serve.js";

const DEFAULT_POLICY = fileURLToPath(new URL("../../policies/default.yaml", import.meta.url));
const MOCK_PORT = 9099;

async function main(): Promise<number> {
  const server = parseServerChoice(process.env.TOLLGATE_SERVER || "auto");
  if (server === null) {
    process.stderr.write(`npm start: TOLLGATE_SERVER must be auto, uws or node, not ${process.env.TOLLGATE_SERVER}\n`);
    return 2;
  }
  const plan = await compileInMemory([DEFAULT_POLICY]);
  if (plan === null) return 1;
  let mock: MockUpstream | null = null;
  if (!process.env.OPENAI_API_KEY) {
    try {
      mock = await startMockUpstream({ host: "127.0.0.1", port: MOCK_PORT });
    } catch (err) {
      if (!isAddressInUse(err)) throw err;
      throw new Error(`port ${MOCK_PORT} (the default policy's mock upstream) is in use: is another \`npm start\` running?`);
    }
    process.stderr.write(`OPENAI_API_KEY is not set: models are served by the built-in mock upstream at ${mock.url}\n`);
  }
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({ plan, host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 8080), server });
  } catch (err) {
    await mock?.close();
    throw err;
  }
  const stopped = untilSignal(gateway, async () => {
    await mock?.close();
  });
  process.stderr.write(
    `tollgate serving policies/default.yaml on ${gateway.url} (${gateway.listener.kind})\n` +
      `try: curl ${gateway.url}/v1/chat/completions -H "Authorization: Bearer tg-demo-key" -H "Content-Type: application/json" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'\n`,
  );
  await stopped;
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  // An operator's problem (a port in use, uWS asked for where it does not load): the message, not a stack.
  process.stderr.write(`npm start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}

/**
 * `npm start`: serves the embedded default policy (policies/default.yaml). With no
 * OPENAI_API_KEY set, the policy's optional `openai` provider is disabled and its
 * models fall back to the built-in mock upstream, which this script starts on
 * 127.0.0.1:9099 (the address the default policy names). Listens on
 * 127.0.0.1:$PORT (default 8080).
 */
import { fileURLToPath } from "node:url";
import { startGateway } from "../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../tools/mock-upstream/index.js";
import { compileInMemory, untilSignal } from "./serve.js";

const DEFAULT_POLICY = fileURLToPath(new URL("../../policies/default.yaml", import.meta.url));
const MOCK_PORT = 9099;

async function main(): Promise<number> {
  const plan = await compileInMemory([DEFAULT_POLICY]);
  if (plan === null) return 1;
  let mock: MockUpstream | null = null;
  if (!process.env.OPENAI_API_KEY) {
    mock = await startMockUpstream({ host: "127.0.0.1", port: MOCK_PORT });
    process.stderr.write(`OPENAI_API_KEY is not set: models are served by the built-in mock upstream at ${mock.url}\n`);
  }
  const server = process.env.TOLLGATE_SERVER === "node" ? "node" : "uws";
  const gateway = await startGateway({ plan, host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 8080), server });
  process.stderr.write(
    `tollgate serving policies/default.yaml on ${gateway.url} (${gateway.listener.kind})\n` +
      `try: curl ${gateway.url}/v1/chat/completions -H "Authorization: Bearer tg-demo-key" -H "Content-Type: application/json" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'\n`,
  );
  await untilSignal(gateway, async () => {
    await mock?.close();
  });
  return 0;
}

process.exitCode = await main();

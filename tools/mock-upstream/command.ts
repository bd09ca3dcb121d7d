/** `tollgate mock-upstream`: runs the mock until SIGINT or SIGTERM. */
import { DEFAULT_BEHAVIOUR, KNOBS, type MockBehaviour } from "./behaviour.js";
import { startMockUpstream } from "./server.js";

/** CLI option → knob (behaviour.ts), so the CLI validates values exactly as directives do. */
const OPTION_KNOBS = [
  ["ttft", "ttft"],
  ["latency", "latency"],
  ["tps", "tps"],
  ["tokens", "tokens"],
] as const;

/** Runs the mock upstream; resolves to the exit code (0 after a signal, 2 on bad options). */
export async function mockUpstreamCommand(opts: Record<string, string>): Promise<number> {
  const defaults: MockBehaviour = { ...DEFAULT_BEHAVIOUR };
  for (const [option, knob] of OPTION_KNOBS) {
    const value = opts[option];
    if (value === undefined) continue;
    const error = KNOBS.get(knob)?.(defaults, value);
    if (error !== undefined) {
      process.stderr.write(`tollgate mock-upstream: --${option}: ${error}\n`);
      return 2;
    }
  }
  const port = Number(opts["port"] ?? "9090");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`tollgate mock-upstream: --port must be an integer from 0 to 65535\n`);
    return 2;
  }

  const mock = await startMockUpstream({ host: opts["host"] ?? "127.0.0.1", port, defaults });
  process.stdout.write(`mock upstream listening on ${mock.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await mock.close();
  return 0;
}

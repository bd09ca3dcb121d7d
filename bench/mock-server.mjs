// @ts-check
/**
 * The benchmark's upstream: the mock from the build output, in its own (pinned) process.
 * It imports the mock directly rather than going through `tollgate mock-upstream`, so the
 * baseline does not depend on the CLI, which other work may be changing.
 * Usage: node bench/mock-server.mjs --port 19099 --tokens 20
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { port: { type: "string", default: "19099" }, tokens: { type: "string", default: "20" } } });
/** @type {typeof import("../tools/mock-upstream/index.js")} */
const { startMockUpstream } = await import(new URL("../dist/tools/mock-upstream/index.js", import.meta.url).href);
const mock = await startMockUpstream({ port: Number(values.port), defaults: { tokens: Number(values.tokens) } });
process.stdout.write(`mock upstream listening on ${mock.url}\n`);
const stop = () => void mock.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);

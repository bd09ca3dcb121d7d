/**
 * Runs TypeScript sources in a real worker thread (tests run from sources, not dist/):
 * the worker loads tsx's API and imports the modules by absolute path.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const require = createRequire(import.meta.url);

/**
 * Starts a worker whose body is `source`: an async function body that can `await load(path)`
 * (a TypeScript module under the repository) and use `workerData` and `parentPort`.
 */
export function tsWorker(source: string, workerData: unknown): Worker {
  const api = require.resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs");
  const code = `
const { parentPort, workerData } = require("node:worker_threads");
const { pathToFileURL } = require("node:url");
(async () => {
  const { tsImport } = await import(${JSON.stringify(pathToFileUrl(api))});
  const load = (path) => tsImport(path, ${JSON.stringify(pathToFileUrl(__filename_like()))});
  ${source}
})().catch((err) => { parentPort.postMessage({ error: String(err && err.stack || err) }); });
`;
  return new Worker(code, { eval: true, workerData });
}

function pathToFileUrl(path: string): string {
  return new URL(`file://${path}`).href;
}

function __filename_like(): string {
  return new URL(import.meta.url).pathname;
}

/**
 * Turns command-line paths into policy sources: files as given, directories searched
 * recursively for *.yaml / *.yml / *.ts (hidden entries, `node_modules`, `*.d.ts` and
 * `*.test.ts` skipped), plus the policy modules that TypeScript files import
 * relatively. The result is sorted by path, which is the order in which documents
 * merge, so the same tree always compiles to the same plan.
 */
import { open, readdir, stat } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { Source } from "../ir.js";
import { importedPolicyModules } from "./import-closure.js";
import { MAX_FILE_BYTES } from "./load-yaml.js";

/** A problem with the command line rather than the policy (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const POLICY_FILE = /\.(ya?ml|ts)$/i;
const NOT_POLICY_FILE = /\.(d|test)\.ts$/i;

/** Reads every policy file under `paths`; throws UsageError for a missing path or no files. */
export async function readPolicySources(paths: readonly string[]): Promise<Source[]> {
  if (paths.length === 0) throw new UsageError("no policy paths given");
  const files = new Set<string>();
  for (const given of paths) {
    const path = normalize(given);
    const info = await stat(path).catch(() => null);
    if (info === null) throw new UsageError(`no such file or directory: ${given}`);
    if (info.isDirectory()) for (const file of await policyFilesUnder(path)) files.add(file);
    else files.add(path);
  }
  if (files.size === 0) throw new UsageError(`no policy files (*.yaml, *.yml, *.ts) found in ${paths.join(", ")}`);
  const texts = new Map<string, string>();
  for (const path of files) texts.set(path, await readCapped(path));
  for (const [path, text] of await importedPolicyModules(texts, readCapped)) texts.set(path, text);
  const sorted = [...texts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((path) => ({ path, text: texts.get(path) ?? "" }));
}

async function policyFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await policyFilesUnder(path)));
    else if (POLICY_FILE.test(entry.name) && !NOT_POLICY_FILE.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) out.push(path);
  }
  return out;
}

/**
 * Reads at most one byte more than the load limit, so a huge file is refused by the
 * load pass (which reports it) without ever being held in memory whole.
 */
async function readCapped(path: string): Promise<string> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    await handle.close();
  }
}

/**
 * Golden command cases: every directory under command-cases/ holds a command line
 * (`args`: the words after `tollgate`, one line, paths relative to the case
 * directory, `#` comments allowed above it), the files it reads, and `expected.txt`:
 * the exit code, then what the command printed on stdout and on stderr. The command
 * runs in process, inside the case directory, through the real argument parser
 * (cli/program.ts). UPDATE_GOLDEN=1 rewrites `expected.txt`; review the diff.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createProgram } from "../../cli/program.js";

const CASES = fileURLToPath(new URL("./command-cases/", import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const caseNames = existsSync(CASES)
  ? readdirSync(CASES)
      .filter((name) => statSync(join(CASES, name)).isDirectory())
      .sort()
  : [];

/** The command line of a case: the last non-comment line of `args`, split on spaces (quotes group words). */
function argsOf(dir: string): string[] {
  const line = readFileSync(join(dir, "args"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"))
    .at(-1);
  if (line === undefined) throw new Error(`${dir}/args has no command line`);
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

let out = "";
let err = "";
const cwd = process.cwd();
beforeEach(() => {
  out = "";
  err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.chdir(cwd);
  process.exitCode = undefined;
});

/** Runs `tollgate <args>` in `dir`; returns what `expected.txt` holds. */
async function run(dir: string): Promise<string> {
  const args = argsOf(dir);
  process.chdir(dir);
  process.exitCode = undefined;
  const previous = process.env.NO_COLOR;
  process.env.NO_COLOR = "1";
  let code: number;
  try {
    await createProgram().parseAsync(["node", "tollgate", ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    code = typeof e === "object" && e !== null && "exitCode" in e ? (Number((e as { exitCode: number }).exitCode) === 0 ? 0 : 2) : 1;
  } finally {
    if (previous === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = previous;
    process.chdir(cwd);
  }
  const scrub = (text: string): string =>
    text
      .split(dir)
      .join("<case>")
      .replace(/sha256:[0-9a-f]{12,64}/g, "sha256:<hash>");
  return [`exit ${code}`, "--- stdout", scrub(out).trimEnd(), "--- stderr", scrub(err).trimEnd(), ""].join("\n");
}

describe("golden command cases", () => {
  for (const name of caseNames) {
    it(name, async () => {
      const dir = join(CASES, name);
      const actual = await run(dir);
      const path = join(dir, "expected.txt");
      if (UPDATE) writeFileSync(path, actual);
      else expect(actual, `${name}/expected.txt`).toBe(existsSync(path) ? readFileSync(path, "utf8") : undefined);
    });
  }
});

/**
 * Renders docs/reference/cli.md from the CLI's own `--help`: the command line is run
 * (from source, through tsx) once for the overview and once per command, so the
 * reference shows exactly the flags and defaults the parser declares.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generatedBanner } from "./markdown.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

/** Variables that change the printed defaults or layout; the reference shows the built-in ones. */
const UNSET = new Set(["PORT", "TOLLGATE_WORKERS", "COLUMNS", "FORCE_COLOR", "NO_COLOR"]);

async function help(args: readonly string[]): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !UNSET.has(k)));
  const { stdout } = await run(process.execPath, ["--import", "tsx", "cli/main.ts", ...args, "--help"], { cwd: ROOT, env, encoding: "utf8" });
  return stdout.trimEnd();
}

/** The command names listed under `Commands:` in the overview, `help` left out. */
function commandsOf(overview: string): string[] {
  const section = overview.slice(overview.indexOf("Commands:"));
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((name) => name !== "help");
}

/** docs/reference/cli.md. */
export async function cliReferenceDocument(): Promise<string> {
  const overview = await help([]);
  const commands = commandsOf(overview);
  if (commands.length === 0) throw new Error("no commands found in `tollgate --help`");
  const pages = await Promise.all(commands.map((c) => help([c])));
  return [
    generatedBanner("`tollgate --help` and `tollgate <command> --help` (cli/main.ts)"),
    "",
    "# Command-line reference",
    "",
    "The help text of every `tollgate` command, as the command line prints it. What the commands are",
    "for, with examples: [the CLI guide](../cli.md). A command's description gives its exit codes where",
    "they mean more than success (0) or failure (1); a usage error (an unknown command or flag, a",
    "missing argument) always exits 2.",
    "",
    "## Contents",
    "",
    "- [`tollgate`](#tollgate)",
    ...commands.map((c) => `- [\`tollgate ${c}\`](#tollgate-${c})`),
    "",
    "## `tollgate`",
    "",
    "```text",
    overview,
    "```",
    "",
    ...commands.flatMap((c, i) => [`## \`tollgate ${c}\``, "", "```text", pages[i]!, "```", ""]),
  ].join("\n");
}

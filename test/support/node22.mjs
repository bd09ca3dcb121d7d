/**
 * A Node 22 binary for the second run of `npm test` (test/run-tests.mjs): the official
 * build the npm registry serves as `node-<platform>-<arch>` (the packages the `node`
 * package installs), pinned, fetched once with `npm pack` (which checks the registry's
 * integrity hash) into .tmp/ and reused. TOLLGATE_TEST_NODE22=/path/to/node uses a
 * binary of your own instead (offline machines).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

/** The Node 22 release the suites are run on (the newest 22.x on the registry when pinned). */
export const NODE22_VERSION = "22.23.5";

/** What runs on Node 22: the server suites (both listeners where uWS loads, node:http where not), and `serve` / `npm start` as processes. */
export const NODE22_SUITES = ["test/e2e", "test/conformance", "test/cli/serve.test.ts", "test/cli/serve-refusals.test.ts"];

const PLATFORMS = { linux: "linux", darwin: "darwin", win32: "win" };

/**
 * The path of a Node 22 binary, fetching it when needed; `{ error }` when there is none.
 * @param {(line: string) => void} say
 * @returns {string | { error: string }}
 */
export function node22Binary(say) {
  const own = process.env.TOLLGATE_TEST_NODE22;
  if (own) return checked(own);
  const platform = PLATFORMS[process.platform];
  if (platform === undefined) return { error: `no node-<platform> package for ${process.platform}; set TOLLGATE_TEST_NODE22` };
  const dir = resolve(".tmp", `node-${NODE22_VERSION}`);
  const binary = join(dir, "package", "bin", platform === "win" ? "node.exe" : "node");
  if (existsSync(binary)) return checked(binary);
  const name = `node-${platform}-${process.arch}@${NODE22_VERSION}`;
  say(`fetching Node ${NODE22_VERSION} from the npm registry (${name}, once; kept in .tmp/)`);
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync("npm", ["pack", name, "--pack-destination", dir, "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (tarball === undefined) return { error: `npm pack ${name} wrote no tarball` };
    execFileSync("tar", ["-xzf", join(dir, tarball), "-C", dir, `package/bin/${platform === "win" ? "node.exe" : "node"}`]);
    rmSync(join(dir, tarball));
  } catch (err) {
    return { error: `could not fetch ${name}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}; set TOLLGATE_TEST_NODE22 to a Node 22 binary` };
  }
  return checked(binary);
}

/** @param {string} binary */
function checked(binary) {
  try {
    const version = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
    return version.startsWith("v22.") ? binary : { error: `${binary} is ${version}, not Node 22` };
  } catch (err) {
    return { error: `${binary} does not run: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}` };
  }
}

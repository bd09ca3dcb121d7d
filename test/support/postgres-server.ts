/**
 * A real PostgreSQL server for tests (Debian's `postgresql` package; `.ci/run`
 * installs it when missing): a fresh data directory made with initdb, started on a
 * free loopback port with trust authentication and without fsync (a crashed server
 * still keeps every commit it acknowledged, as long as the machine does not crash:
 * the tests exercise the gateway's durability, not the disk's). PostgreSQL refuses to run as root,
 * so as root it runs as the package's `postgres` user. `restart()` stops it (SIGKILL
 * when asked, as a crash would) and starts it again on the same port and data.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exited, freePort } from "./redis-topologies.js";

export interface TestPostgres {
  readonly port: number;
  /** `postgres://tollgate@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  restart(signal?: NodeJS.Signals): Promise<void>;
  pid(): number;
}

/** The directory holding initdb and postgres (Debian keeps them out of PATH). */
function binDir(): string {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(base, versions[0], "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (which !== "") return which.replace(/\/initdb$/, "");
  throw new Error("PostgreSQL is not installed (Debian's postgresql package: apt-get install postgresql)");
}

function owner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  if (!Number.isInteger(uid) || uid <= 0) throw new Error("running as root, and there is no `postgres` user to run PostgreSQL as");
  return { uid, gid };
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  const as = owner();
  const dir = mkdtempSync(join(tmpdir(), "tollgate-pg-"));
  const data = join(dir, "data");
  if (as !== null) chownSync(dir, as.uid, as.gid);
  const init = spawnSync(join(bin, "initdb"), ["-D", data, "-U", "tollgate", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], {
    encoding: "utf8",
    ...(as ?? {}),
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const launch = (): Promise<ChildProcess> =>
    new Promise((resolve, reject) => {
      const args = ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off"];
      const child = spawn(join(bin, "postgres"), args, { stdio: ["ignore", "pipe", "pipe"], ...(as ?? {}) });
      let out = "";
      const timer = setTimeout(() => reject(new Error(`postgres did not start: ${out}`)), 30_000);
      child.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      const onData = (d: Buffer): void => {
        out += d.toString();
        if (out.includes("database system is ready to accept connections")) {
          clearTimeout(timer);
          resolve(child);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
    });
  let child = await launch();
  const stop = async (signal: NodeJS.Signals = "SIGINT"): Promise<void> => {
    child.kill("SIGCONT");
    child.kill(signal);
    await exited(child);
  };
  return {
    port,
    url: `postgres://tollgate@127.0.0.1:${port}/postgres`,
    stop,
    async restart(signal: NodeJS.Signals = "SIGINT") {
      await stop(signal);
      child = await launch();
    },
    pid: () => child.pid!,
  };
}

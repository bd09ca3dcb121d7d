/**
 * Redis as it is deployed, for tests: a real 3-node Redis Cluster (three
 * `redis-server --cluster-enabled yes`, joined by `redis-cli --cluster create`) and a
 * Sentinel set-up (a master, a replica and one `redis-sentinel` watching them), on
 * free loopback ports with no persistence. Debian's `redis-server`, `redis-tools` and
 * `redis-sentinel` packages; `.ci/run` installs what is missing.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts a program and resolves once its output contains `ready`. */
export function launch(cmd: string, args: string[], ready: string, cwd?: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...(cwd === undefined ? {} : { cwd }) });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${out}`)), 15_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd} (install Debian's package): ${err.message}`));
    });
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function kill(child: ChildProcess): Promise<void> {
  child.kill("SIGCONT");
  child.kill("SIGKILL");
  await exited(child);
}

function cli(args: string[]): string {
  const r = spawnSync("redis-cli", args, { encoding: "utf8", timeout: 20_000 });
  if (r.error) throw new Error(`cannot run redis-cli (install Debian's redis-tools): ${r.error.message}`);
  return `${r.stdout}${r.stderr}`;
}

export interface TestCluster {
  readonly ports: readonly number[];
  /** `redis+cluster://…` naming every node. */
  readonly url: string;
  readonly nodes: readonly ChildProcess[];
  stop(): Promise<void>;
}

/** Three masters owning all 16,384 slots between them. */
export async function startCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-cluster-"));
  const ports = [await freePort(), await freePort(), await freePort()];
  const nodes: ChildProcess[] = [];
  for (const port of ports) {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`];
    nodes.push(await launch("redis-server", args, "Ready to accept connections", dir));
  }
  const created = cli(["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"]);
  if (!created.includes("[OK] All 16384 slots covered")) throw new Error(`redis-cli --cluster create failed:\n${created}`);
  const deadline = Date.now() + 20_000;
  while (!ports.every((p) => cli(["-p", String(p), "cluster", "info"]).includes("cluster_state:ok"))) {
    if (Date.now() > deadline) throw new Error("the cluster did not reach cluster_state:ok");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    ports,
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`,
    nodes,
    async stop() {
      await Promise.all(nodes.map(kill));
    },
  };
}

export interface TestSentinel {
  readonly masterPort: number;
  readonly replicaPort: number;
  readonly sentinelPort: number;
  /** `redis+sentinel://127.0.0.1:<sentinel>/mymaster`. */
  readonly url: string;
  /** Kills the master; the Sentinel promotes the replica. */
  killMaster(): Promise<void>;
  /** The port the Sentinel names as master now. */
  currentMasterPort(): number;
  stop(): Promise<void>;
}

export async function startSentinel(): Promise<TestSentinel> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-sentinel-"));
  const [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  const base = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const master = await launch("redis-server", ["--port", String(masterPort), ...base], "Ready to accept connections", dir);
  const replica = await launch("redis-server", ["--port", String(replicaPort), ...base, "--replicaof", "127.0.0.1", String(masterPort)], "MASTER <-> REPLICA sync: Finished", dir);
  const conf = join(dir, "sentinel.conf");
  writeFileSync(
    conf,
    [
      `port ${sentinelPort}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      `sentinel monitor mymaster 127.0.0.1 ${masterPort} 1`,
      "sentinel down-after-milliseconds mymaster 1000",
      "sentinel failover-timeout mymaster 5000",
      "sentinel parallel-syncs mymaster 1",
      "",
    ].join("\n"),
  );
  const sentinel = await launch("redis-sentinel", [conf], "+monitor master mymaster", dir);
  const children = [master, replica, sentinel];
  return {
    masterPort,
    replicaPort,
    sentinelPort,
    url: `redis+sentinel://127.0.0.1:${sentinelPort}/mymaster`,
    killMaster: () => kill(master),
    currentMasterPort: () => Number(cli(["-p", String(sentinelPort), "sentinel", "get-master-addr-by-name", "mymaster"]).split("\n")[1]),
    async stop() {
      await Promise.all(children.map(kill));
    },
  };
}

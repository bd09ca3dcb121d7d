/**
 * How many CPUs this process may actually use: the default of `serve --workers`.
 *
 * `os.availableParallelism()` honours the CPU affinity mask, but on Node 20 not the
 * cgroup CPU quota a container runtime sets (a Kubernetes `limits.cpu`): a pod limited
 * to 2 CPUs on a 64-core node would start 64 workers, each ~50 MB, and be throttled and
 * OOM-killed. So the quota caps it, rounded down (a fractional CPU is not worth a
 * thread that would be throttled), and never below 1.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

export interface UsableCpus {
  readonly count: number;
  /** Where the count comes from, for the startup log. */
  readonly why: string;
}

/** `root` lets tests stand in a fake /proc and /sys. */
export function usableCpus(root = "/", parallelism = availableParallelism()): UsableCpus {
  const quota = cgroupCpuQuota(root);
  if (quota === null || quota >= parallelism) return { count: parallelism, why: `${parallelism} CPUs available` };
  const count = Math.max(1, Math.floor(quota));
  return { count, why: `cgroup CPU quota ${round(quota)} of ${parallelism} CPUs` };
}

/** The tightest CPU quota (in CPUs) of this process's cgroup and its parents, or null when none is set. */
export function cgroupCpuQuota(root = "/"): number | null {
  const membership = read(join(root, "proc/self/cgroup"));
  if (membership === null) return null;
  const quotas: number[] = [];
  for (const line of membership.split("\n")) {
    // `<id>:<controllers>:<path>`; cgroup v2 is the one line with no controllers (`0::/path`).
    const match = /^[^:]*:([^:]*):(.*)$/.exec(line);
    if (match === null) continue;
    const [, controllers = "", path = ""] = match;
    if (controllers === "") quotas.push(...v2Quotas(root, path));
    else if (controllers.split(",").includes("cpu")) quotas.push(...v1Quotas(root, controllers, path));
  }
  return quotas.length === 0 ? null : Math.min(...quotas);
}

/** cgroup v2: `cpu.max` is `<quota> <period>` or `max <period>`, at each level from the process's cgroup up. */
function v2Quotas(root: string, path: string): number[] {
  const out: number[] = [];
  for (const dir of ancestors(path)) {
    const [quota, period] = (read(join(root, "sys/fs/cgroup", dir, "cpu.max")) ?? "").trim().split(/\s+/);
    const cpus = Number(quota) / Number(period);
    if (Number.isFinite(cpus) && cpus > 0) out.push(cpus);
  }
  return out;
}

/** cgroup v1: `cpu.cfs_quota_us` (-1: none) over `cpu.cfs_period_us`, in the cpu controller's hierarchy. */
function v1Quotas(root: string, controllers: string, path: string): number[] {
  const out: number[] = [];
  for (const mount of [controllers, "cpu", "cpu,cpuacct"]) {
    // Inside a container the hierarchy is mounted at the container's own cgroup, so the
    // host path in /proc/self/cgroup may not exist there: try it, then the mount's root.
    for (const dir of new Set([path, "/"])) {
      const base = join(root, "sys/fs/cgroup", mount, dir);
      const cpus = Number(read(join(base, "cpu.cfs_quota_us"))) / Number(read(join(base, "cpu.cfs_period_us")));
      if (Number.isFinite(cpus) && cpus > 0) out.push(cpus);
    }
  }
  return out;
}

/** `/a/b` → `/a/b`, `/a`, `/`. */
function ancestors(path: string): string[] {
  const parts = path.split("/").filter((p) => p.length > 0);
  return parts.map((_, i) => "/" + parts.slice(0, parts.length - i).join("/")).concat("/");
}

function read(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function round(cpus: number): string {
  return Number.isInteger(cpus) ? String(cpus) : cpus.toFixed(2);
}

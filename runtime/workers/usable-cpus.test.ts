import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cgroupCpuQuota, usableCpus } from "./usable-cpus.js";

const roots: string[] = [];

/** A fake / holding the given files. */
function fakeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "tollgate-cgroup-"));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe("the CPUs serve --workers defaults to", () => {
  it("cgroup v2 in a container (Kubernetes limits.cpu: 2 on a 16-CPU node): 2", () => {
    const root = fakeRoot({ "proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "200000 100000\n" });
    expect(usableCpus(root, 16)).toEqual({ count: 2, why: "cgroup CPU quota 2 of 16 CPUs" });
  });

  it("rounds a fractional quota down, never below 1", () => {
    expect(usableCpus(fakeRoot({ "proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "150000 100000\n" }), 8).count).toBe(1);
    expect(usableCpus(fakeRoot({ "proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "50000 100000\n" }), 8)).toEqual({
      count: 1,
      why: "cgroup CPU quota 0.50 of 8 CPUs",
    });
  });

  it("cgroup v2 on a host: the tightest quota from the process's cgroup up to the root", () => {
    const root = fakeRoot({
      "proc/self/cgroup": "0::/system.slice/tollgate.service\n",
      "sys/fs/cgroup/system.slice/tollgate.service/cpu.max": "max 100000\n",
      "sys/fs/cgroup/system.slice/cpu.max": "400000 100000\n",
    });
    expect(cgroupCpuQuota(root)).toBe(4);
    expect(usableCpus(root, 32).count).toBe(4);
  });

  it("cgroup v1: cfs_quota_us over cfs_period_us; -1 is no quota", () => {
    const limited = fakeRoot({
      "proc/self/cgroup": "4:memory:/kubepods/pod1\n2:cpu,cpuacct:/kubepods/pod1/c1\n",
      "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "300000\n",
      "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
    });
    expect(usableCpus(limited, 64).count).toBe(3);
    const unlimited = fakeRoot({
      "proc/self/cgroup": "1:cpu:/\n",
      "sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
      "sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
    });
    expect(usableCpus(unlimited, 6)).toEqual({ count: 6, why: "6 CPUs available" });
  });

  it("no quota, or one above the CPUs the process may run on: availableParallelism()", () => {
    expect(usableCpus(fakeRoot({}), 4).count).toBe(4);
    expect(usableCpus(fakeRoot({ "proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "800000 100000\n" }), 2).count).toBe(2);
  });

  it("reads this machine without failing", () => {
    const here = usableCpus();
    expect(here.count).toBeGreaterThanOrEqual(1);
  });
});

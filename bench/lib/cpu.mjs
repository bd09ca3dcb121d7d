// @ts-check
/**
 * Foreign CPU load: CPU time spent during a measurement by processes that are not part of it.
 *
 * On a shared machine absolute figures drift by tens of percent between passes; a noisy run
 * should be re-run rather than quoted, and this is how we tell. Foreign = machine busy time
 * (incl. steal: time the hypervisor gave to someone else) − our processes' time, where "ours"
 * is this process, its reaped children (the load generator, via cutime/cstime) and the live
 * children named by pid (mock, server under test).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100;

/** Busy ticks of the whole machine: user nice system irq softirq steal (not idle, not iowait). */
function machineBusyTicks() {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/**
 * utime + stime (+ cutime + cstime: children already waited for) of one process, in ticks.
 * The fields are counted after the last ")" because the command name may contain spaces.
 * @param {number} pid
 */
function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is the state (field 3), so utime (field 14) is fields[11].
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
  } catch {
    return 0; // the process is gone; its time is lost to both sides of the subtraction
  }
}

/** A measurement window. */
export class CpuWindow {
  /**
   * @param {number[]} pids live children that belong to the measurement
   * @param {number} [server] the server under test, whose own CPU time {@link serverCpuUs} reports
   */
  constructor(pids, server) {
    this.pids = [process.pid, ...pids];
    this.server = server;
    this.startWall = performance.now();
    this.startBusy = machineBusyTicks();
    this.startOurs = this.#ours();
    this.startServer = server === undefined ? 0 : processTicks(server);
  }

  /** CPU time (user + system) the server under test used in the window, in µs; NaN without one. */
  serverCpuUs() {
    if (this.server === undefined) return NaN;
    return ((processTicks(this.server) - this.startServer) / TICKS_PER_SECOND) * 1e6;
  }

  #ours() {
    return this.pids.reduce((sum, pid) => sum + processTicks(pid), 0);
  }

  /** Foreign load over the window, in cores (0.25 = a quarter of one core). */
  foreignCores() {
    const seconds = (performance.now() - this.startWall) / 1000;
    const foreignTicks = machineBusyTicks() - this.startBusy - (this.#ours() - this.startOurs);
    return Math.max(0, foreignTicks / TICKS_PER_SECOND / seconds);
  }
}

/** The 1-minute load average and the number of running tasks, from /proc/loadavg. */
export function loadAverage() {
  const [one = "?", , , tasks = "?"] = readFileSync("/proc/loadavg", "utf8").trim().split(/\s+/);
  return { oneMinute: Number(one), runnable: tasks };
}

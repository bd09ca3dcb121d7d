/**
 * The Node.js runtime instruments of the OpenTelemetry semantic conventions, under their
 * Prometheus names, read at scrape time (nothing on the request path):
 *
 * - `nodejs.eventloop.delay.{min,max,mean,stddev,p50,p90,p99}` (s) →
 *   `nodejs_eventloop_delay_p99_seconds` …: the event loop's delay since the last read,
 *   sampled every 20 ms by `perf_hooks.monitorEventLoopDelay`;
 * - `nodejs.eventloop.utilization` (1) → `nodejs_eventloop_utilization_ratio`, since the last read;
 * - `v8js.memory.heap.used` / `v8js.memory.heap.limit` (By), by `v8js.heap.space.name` →
 *   `v8js_memory_heap_used_bytes`, `v8js_memory_heap_limit_bytes`;
 * - `v8js.gc.duration` (s), by `v8js.gc.type` (`major`, `minor`, `incremental`,
 *   `weakcb`) → `v8js_gc_duration_seconds`, from a `gc` PerformanceObserver.
 *
 * One set per thread (the worker threads' scrapes are merged by the main thread).
 */
import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type PerformanceEntry } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { Gauge, type Metric, type Registry } from "prom-client";
import { LightHistogram } from "../../base/light-metrics.js";

const GC_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
const DELAY_STATS = ["min", "max", "mean", "stddev", "p50", "p90", "p99"] as const;
type DelayStat = (typeof DELAY_STATS)[number];

/** `v8js.gc.type` of a `gc` performance entry's kind. */
function gcType(kind: number | undefined): string {
  switch (kind) {
    case constants.NODE_PERFORMANCE_GC_MAJOR:
      return "major";
    case constants.NODE_PERFORMANCE_GC_MINOR:
      return "minor";
    case constants.NODE_PERFORMANCE_GC_INCREMENTAL:
      return "incremental";
    default:
      return "weakcb";
  }
}

/** The OpenTelemetry instrument name and unit of each runtime family (for the OTLP export). */
export const RUNTIME_INSTRUMENTS: Readonly<Record<string, { readonly name: string; readonly unit: string }>> = {
  nodejs_eventloop_utilization_ratio: { name: "nodejs.eventloop.utilization", unit: "1" },
  v8js_memory_heap_used_bytes: { name: "v8js.memory.heap.used", unit: "By" },
  v8js_memory_heap_limit_bytes: { name: "v8js.memory.heap.limit", unit: "By" },
  v8js_gc_duration_seconds: { name: "v8js.gc.duration", unit: "s" },
  ...Object.fromEntries(DELAY_STATS.map((stat) => [`nodejs_eventloop_delay_${stat}_seconds`, { name: `nodejs.eventloop.delay.${stat}`, unit: "s" }])),
};

/** This thread's samplers, shared by every registry in it (tests start many gateways): started on first use, never stopped. */
interface Samplers {
  readonly delay: ReturnType<typeof monitorEventLoopDelay>;
  readonly gc: LightHistogram;
  /** The delay statistics of the last read, and when it was made. */
  stats: Record<DelayStat, number> | null;
  statsAt: number;
}

let samplers: Samplers | null = null;

function samplersOf(): Samplers {
  if (samplers !== null) return samplers;
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  const gc = new LightHistogram("v8js_gc_duration_seconds", "v8js.gc.duration: garbage collection pauses, by v8js.gc.type.", ["v8js_gc_type"], GC_BUCKETS);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gc.labels(gcType((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind)).observe(entry.duration / 1000);
  }).observe({ entryTypes: ["gc"] });
  return (samplers = { delay, gc, stats: null, statsAt: 0 });
}

/** A delay statistic: every gauge of one scrape reads the same snapshot (kept a second), then the sampler restarts. */
function delayStat(stat: DelayStat): number {
  const s = samplersOf();
  const now = Date.now();
  if (s.stats === null || now - s.statsAt > 1000) {
    const d = s.delay;
    const sec = (v: number): number => (Number.isFinite(v) ? v / 1e9 : 0);
    s.stats = { min: sec(d.min), max: sec(d.max), mean: sec(d.mean), stddev: sec(d.stddev), p50: sec(d.percentile(50)), p90: sec(d.percentile(90)), p99: sec(d.percentile(99)) };
    s.statsAt = now;
    d.reset();
  }
  return s.stats[stat];
}

/** Registers the runtime instruments of this thread in `registry`. */
export function registerRuntimeMetrics(registry: Registry): void {
  const registers = [registry];
  for (const stat of DELAY_STATS) {
    new Gauge({
      name: `nodejs_eventloop_delay_${stat}_seconds`,
      help: `nodejs.eventloop.delay.${stat}: the event loop's delay since the last scrape (sampled every 20 ms).`,
      registers,
      aggregator: stat === "min" ? "min" : "max",
      collect() {
        this.set(delayStat(stat));
      },
    });
  }
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  new Gauge({
    name: "nodejs_eventloop_utilization_ratio",
    help: "nodejs.eventloop.utilization: the share of time the event loop was busy since the last scrape.",
    registers,
    aggregator: "average",
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, elu).utilization);
      elu = now;
    },
  });
  new Gauge({
    name: "v8js_memory_heap_used_bytes",
    help: "v8js.memory.heap.used: V8 heap bytes in use, by heap space.",
    labelNames: ["v8js_heap_space_name"],
    registers,
    collect() {
      for (const space of getHeapSpaceStatistics()) this.set({ v8js_heap_space_name: space.space_name }, space.space_used_size);
    },
  });
  new Gauge({
    name: "v8js_memory_heap_limit_bytes",
    help: "v8js.memory.heap.limit: V8 heap bytes available, by heap space.",
    labelNames: ["v8js_heap_space_name"],
    registers,
    collect() {
      for (const space of getHeapSpaceStatistics()) this.set({ v8js_heap_space_name: space.space_name }, space.space_size);
    },
  });
  registry.registerMetric(samplersOf().gc as unknown as Metric);
}

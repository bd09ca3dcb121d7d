/**
 * Counters and histograms for the request path, cheaper than prom-client's own. A
 * prom-client child validates and hashes its labels and builds a closure on every
 * `observe`; measured under load, that was ~6 % of the gateway's CPU. Here a series is
 * a plain object created once per label set (callers cache it per plan model and
 * upstream), and an update is one addition (a bucket search and three additions for a
 * histogram). The families implement prom-client's metric interface (`get()`), so they
 * sit in the same registry and render in the same exposition.
 */

type Labels = Record<string, string>;

/** One counter series. */
export class CounterSeries {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(by = 1): void {
    this.value += by;
  }
}

/** One histogram series: `counts[i]` observations in bucket i (not cumulative); the last is +Inf. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Labels,
    readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

/** What prom-client's registry reads from a metric. */
interface MetricValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

abstract class Family<S extends { labels: Labels }> {
  readonly aggregator = "sum";
  readonly #series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  /** The series for these label values (in `labelNames` order), created on first use. */
  labels(...values: string[]): S {
    const key = values.join("\u0000");
    let series = this.#series.get(key);
    if (series === undefined) {
      const labels: Labels = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i] ?? ""));
      series = this.create(labels);
      this.#series.set(key, series);
    }
    return series;
  }

  protected abstract create(labels: Labels): S;
  protected abstract values(series: S): MetricValue[];
  abstract readonly type: "counter" | "histogram";

  /** Implements prom-client's metric `get()`, read by its registry at scrape time. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: MetricValue[] }> {
    const values: MetricValue[] = [];
    for (const s of this.#series.values()) values.push(...this.values(s));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export class LightCounter extends Family<CounterSeries> {
  readonly type = "counter";
  protected create(labels: Labels): CounterSeries {
    return new CounterSeries(labels);
  }
  protected values(s: CounterSeries): MetricValue[] {
    return [{ labels: s.labels, value: s.value }];
  }
}

export class LightHistogram extends Family<HistogramSeries> {
  readonly type = "histogram";
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
  }
  protected create(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.buckets);
  }
  protected values(s: HistogramSeries): MetricValue[] {
    const out: MetricValue[] = [];
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += s.counts[i]!;
      out.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: String(le) }, value: cumulative });
    });
    out.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: "+Inf" }, value: s.count });
    out.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
    out.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    return out;
  }
}

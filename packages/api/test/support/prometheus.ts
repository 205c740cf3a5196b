// parse-prometheus-text-format ships no types: what its README documents.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface Sample {
  labels?: Record<string, string>;
  value?: string;
}

export interface Family {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Sample[];
}

/**
 * A scrape, parsed by a Prometheus text-format parser that we did not write.
 *
 * That parser mislays the labels, _sum and _count of a histogram with labels
 * (upstream issue yunyu/parse-prometheus-text-format#13, fix #8 unmerged),
 * so each histogram is parsed a second time with its _bucket, _sum and
 * _count lines moved, unchanged, into families of their own: `sample()` and
 * `count()` read those.
 */
export class Scrape {
  readonly families: Map<string, Family>;
  private readonly series: Map<string, Family>;

  constructor(readonly text: string) {
    const parsed = parsePrometheusTextFormat(text) as Family[];
    this.families = new Map(parsed.map((f) => [f.name, f]));
    const histograms = parsed.filter((f) => f.type === 'HISTOGRAM').map((f) => f.name);
    const regrouped = parsePrometheusTextFormat(seriesOf(text, histograms)) as Family[];
    this.series = new Map(regrouped.map((f) => [f.name, f]));
  }

  family(name: string): Family {
    const family = this.families.get(name);
    if (!family) throw new Error(`no metric ${name} in the scrape`);
    return family;
  }

  /** The sample of `name` (a histogram's `name_count`…) whose labels are exactly `labels`, if any. */
  sample(name: string, labels: Record<string, string> = {}): Sample | undefined {
    const wanted = JSON.stringify(Object.entries(labels).sort());
    const family = this.series.get(name) ?? this.family(name);
    return family.metrics.find(
      (m) => JSON.stringify(Object.entries(m.labels ?? {}).sort()) === wanted,
    );
  }

  /** A counter's or gauge's value (0 when the series is absent). */
  value(name: string, labels: Record<string, string> = {}): number {
    return Number(this.sample(name, labels)?.value ?? 0);
  }

  /** A histogram series' _count (0 when absent). */
  count(name: string, labels: Record<string, string> = {}): number {
    return this.value(`${name}_count`, labels);
  }
}

/** The lines of the `histograms`, each suffix's grouped under a `# TYPE <name>_<suffix> untyped`. */
function seriesOf(text: string, histograms: readonly string[]): string {
  const out: string[] = [];
  for (const name of histograms) {
    for (const suffix of ['bucket', 'sum', 'count']) {
      const prefix = `${name}_${suffix}`;
      out.push(`# TYPE ${prefix} untyped`);
      out.push(
        ...text
          .split('\n')
          .filter((line) => /^[{ ]/.test(line.slice(prefix.length)) && line.startsWith(prefix)),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

// The server's own request timings, from its Prometheus endpoint: the front door
// (scripts/serve.ts) observes every request from its arrival to the response's last byte into
// cellblock_http_request_duration_seconds, by route. Two scrapes bracket a phase; their
// difference gives, per route, the count, the exact mean (sum / count) and p50 / p95
// interpolated within the histogram's buckets (coarse: 10, 25, 50, 100, 250, 500 ms…).

export type Histogram = { count: number; sumSeconds: number; buckets: Array<{ le: number; count: number }> };
export type Scrape = Map<string, Histogram>;

/** Scrapes `${url}/api/metrics` with `token`; histograms keyed by route, summed over method and status. */
export async function scrape(url: string, token: string): Promise<Scrape> {
  const res = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`metrics: HTTP ${res.status}`);
  const out: Scrape = new Map();
  const get = (route: string) => {
    let h = out.get(route);
    if (!h) out.set(route, (h = { count: 0, sumSeconds: 0, buckets: [] }));
    return h;
  };
  for (const line of (await res.text()).split("\n")) {
    const m = /^cellblock_http_request_duration_seconds_(bucket|sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const h = get(labels.route!);
    const value = Number(m[3]);
    if (m[1] === "count") h.count += value;
    else if (m[1] === "sum") h.sumSeconds += value;
    else {
      const le = labels.le === "+Inf" ? Infinity : Number(labels.le);
      const b = h.buckets.find((x) => x.le === le);
      if (b) b.count += value;
      else h.buckets.push({ le, count: value });
    }
  }
  for (const h of out.values()) h.buckets.sort((a, b) => a.le - b.le);
  return out;
}

/** Server-side figures of `route` between two scrapes, in ms: n, mean, p50, p95 (bucket-interpolated). */
export function routeTimes(before: Scrape, after: Scrape, route: string) {
  const a = after.get(route);
  if (!a) return { n: 0, meanMs: NaN, p50Ms: NaN, p95Ms: NaN };
  const b = before.get(route);
  const n = a.count - (b?.count ?? 0);
  const sum = a.sumSeconds - (b?.sumSeconds ?? 0);
  const cum = a.buckets.map((x) => ({ le: x.le, count: x.count - (b?.buckets.find((y) => y.le === x.le)?.count ?? 0) }));
  const quantile = (p: number) => {
    const rank = p * n;
    let prevLe = 0;
    let prevCount = 0;
    for (const x of cum) {
      if (x.count >= rank) {
        if (!Number.isFinite(x.le)) return prevLe * 1000; // beyond the last bucket: its lower edge
        const within = x.count === prevCount ? 0 : (rank - prevCount) / (x.count - prevCount);
        return (prevLe + (x.le - prevLe) * within) * 1000;
      }
      prevLe = x.le;
      prevCount = x.count;
    }
    return NaN;
  };
  return { n, meanMs: n ? (sum / n) * 1000 : NaN, p50Ms: quantile(0.5), p95Ms: quantile(0.95) };
}

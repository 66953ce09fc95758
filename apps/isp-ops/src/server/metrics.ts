import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

const ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[A-Za-z0-9_-]{32,})$/i;
const MAX_SEGMENTS = 6;

/**
 * The route a request counts under: ids folded to `:id`, Next's assets to one route, and
 * anything that found no page to `unmatched` (so a scanner's paths never become series).
 */
export function routeOf(url: string | undefined, status: number): string {
  if (status === 404) return "unmatched";
  const path = (url ?? "/").split("?")[0] ?? "/";
  if (path.startsWith("/_next/")) return "/_next/*";
  const segments = path.split("/").filter(Boolean);
  const route = segments.slice(0, MAX_SEGMENTS).map((s) => (ID.test(s) ? ":id" : s));
  return `/${route.join("/")}${segments.length > MAX_SEGMENTS ? "/*" : ""}`;
}

/**
 * isp-ops's Prometheus metrics: HTTP requests by route, method and status, their latency, the
 * process's own, and (when a tenant database is given) subscribers by status, read at each scrape.
 */
export function createIspOpsMetrics(opts: { subscriberCounts?: () => Promise<Record<string, number>> } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by route, method and status code",
    labelNames: ["route", "method", "code"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from request to the last byte of the response",
    labelNames: ["route", "method"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const { subscriberCounts } = opts;
  if (subscriberCounts) {
    new Gauge({
      name: "dotmac_isp_subscribers",
      help: "Subscribers, by status",
      labelNames: ["status"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [status, count] of Object.entries(await subscriberCounts())) this.set({ status }, count);
      },
    });
  }
  return {
    registry,
    /** Counts the request once its response is sent. */
    observe(req: IncomingMessage, res: ServerResponse): void {
      const started = performance.now();
      res.once("finish", () => {
        const route = routeOf(req.url, res.statusCode);
        const method = req.method ?? "GET";
        requests.inc({ route, method, code: String(res.statusCode) });
        latency.observe({ route, method }, (performance.now() - started) / 1000);
      });
    },
    /** GET /metrics on the metrics port. */
    async serve(res: ServerResponse): Promise<void> {
      res.setHeader("content-type", registry.contentType);
      res.end(await registry.metrics());
    },
  };
}

import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** The service's Prometheus metrics, one registry per app so tests do not share counters. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: "dotmac_api_http_request_duration_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const operations = new Counter({
    name: "dotmac_api_operations_finished_total",
    help: "Operations finished by kind and outcome",
    labelNames: ["kind", "outcome"],
    registers: [registry],
  });
  return { registry, httpDuration, operations };
}
export type Metrics = ReturnType<typeof createMetrics>;

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** `unreadableNas`: how many NAS clients the registry left out, read at each scrape. */
export function createRadiusMetrics(unreadableNas: () => number = () => 0) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "dotmac_radius_requests_total",
      help: "RADIUS requests answered, by type and result",
      labelNames: ["type", "result"],
      registers: [registry],
    }),
    drops: new Counter({
      name: "dotmac_radius_dropped_total",
      help: "Packets dropped without an answer, by reason",
      labelNames: ["reason"],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: "dotmac_radius_duplicates_total",
      help: "Retransmissions answered from the duplicate cache",
      registers: [registry],
    }),
    latency: new Histogram({
      name: "dotmac_radius_request_duration_seconds",
      help: "Time from packet in to answer out",
      labelNames: ["type"],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    unreadableNas: new Gauge({
      name: "dotmac_radius_nas_unreadable",
      help: "NAS clients left out because no key of the ring opens their secret",
      registers: [registry],
      collect() {
        this.set(unreadableNas());
      },
    }),
    cacheSize: new Gauge({
      name: "dotmac_radius_duplicate_cache_entries",
      help: "Entries in the duplicate-request cache",
      registers: [registry],
    }),
  };
}
export type RadiusMetrics = ReturnType<typeof createRadiusMetrics>;

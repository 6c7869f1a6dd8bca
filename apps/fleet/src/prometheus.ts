import { Gauge, Registry } from 'prom-client';
import type { DashboardData } from './dashboardData.js';

/**
 * A Prometheus registry whose gauges are filled from a fresh `DashboardData` on every scrape,
 * so `/metrics` and the page always agree and nothing is cached between scrapes.
 */
export function createFleetRegistry(read: () => Promise<DashboardData>): Registry {
  const registry = new Registry();
  let current: Promise<DashboardData> | null = null;
  // One store read per scrape, shared by all gauges of that scrape.
  const data = () => (current ??= read().finally(() => queueMicrotask(() => (current = null))));
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, d: DashboardData) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        fill(this, await data());
      },
    });
  gauge('qe_fleet_agents', 'Agents in the registry, by status', ['status'], (g, d) => {
    for (const a of d.agents) g.inc({ status: a.status });
  });
  gauge('qe_fleet_agent_improvement_percent', 'Composite-score improvement vs baseline (PerformanceTracker)', ['agent'], (g, d) => {
    for (const a of d.agents) if (a.improvementRate !== null) g.set({ agent: a.id }, a.improvementRate);
  });
  gauge('qe_fleet_learning_overhead_ms', 'Learning overhead per task, last persisted figures', ['agent', 'stat'], (g, d) => {
    for (const a of d.agents) {
      if (a.overhead === null) continue;
      for (const stat of ['avg', 'p50', 'p95', 'p99', 'peak'] as const) g.set({ agent: a.id, stat }, a.overhead[stat]);
    }
  });
  gauge('qe_fleet_learning_state_bytes', 'Serialised learning state per agent', ['agent'], (g, d) => {
    for (const a of d.agents) if (a.memory.stateBytes !== null) g.set({ agent: a.id }, a.memory.stateBytes);
  });
  gauge('qe_fleet_patterns', 'Learned patterns in the store', [], (g, d) => g.set(d.fleet.patterns));
  gauge('qe_fleet_abtests', 'A/B tests by status', ['status'], (g, d) => {
    for (const t of d.abtests) g.inc({ status: t.status });
  });
  gauge('qe_fleet_database_bytes', 'Size of the SQLite database', [], (g, d) => g.set(d.fleet.databaseBytes));
  return registry;
}

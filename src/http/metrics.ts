/**
 * Prometheus metrics on a registry of our own (never prom-client's global one,
 * so two apps in one test process do not collide).
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { EngineMetrics } from '../runs/engine.js';

export interface Metrics extends EngineMetrics {
  observeAck(kind: string, seconds: number): void;
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'opsbot_' });
  const commands = new Counter({
    name: 'opsbot_commands_total',
    help: 'Commands handled, by command name and outcome.',
    labelNames: ['command', 'outcome'],
    registers: [registry],
  });
  const ack = new Histogram({
    name: 'opsbot_ack_seconds',
    help: 'Time from receiving a Slack interaction to acknowledging it.',
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    registers: [registry],
  });
  return {
    commandFinished: (command, outcome) => commands.inc({ command, outcome }),
    observeAck: (kind, seconds) => ack.observe({ kind }, seconds),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

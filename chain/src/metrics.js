// --metrics HOST:PORT: the client's Prometheus metrics (prom-client) on GET /metrics: attempts,
// acceptances, refusals by name, and the head→submit and submit→inclusion latencies.
import { createServer } from 'node:http';
import client from 'prom-client';
import { FailureError } from './errors.js';

// Latency buckets in seconds: a CPU solve on a fresh head is a few ms; inclusion waits for a block.
const HEAD_TO_SUBMIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const INCLUSION_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 6, 12, 24, 48, 96];

/** The metrics of one run, in their own registry (so tests can make several). */
export function makeMetrics(command) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ command });
  const attempts = new client.Counter({ name: 'btpow_chain_attempts_total', help: 'Calls submitted (or settled) with a solution', registers: [registry] });
  const accepted = new client.Counter({ name: 'btpow_chain_acceptances_total', help: 'Calls the runtime accepted (the success event seen)', registers: [registry] });
  const refused = new client.Counter({
    name: 'btpow_chain_refusals_total', help: 'Calls refused, by the runtime\'s or the pool\'s error name', labelNames: ['error'], registers: [registry],
  });
  const skipped = new client.Counter({
    name: 'btpow_chain_skipped_total', help: 'Targets skipped without a call (e.g. a hotkey already registered), by reason', labelNames: ['error'], registers: [registry],
  });
  const headToSubmit = new client.Histogram({
    name: 'btpow_chain_head_to_submit_seconds', help: 'From a new best head arriving to its solution\'s call submitted', buckets: HEAD_TO_SUBMIT_BUCKETS, registers: [registry],
  });
  const submitToInclusion = new client.Histogram({
    name: 'btpow_chain_submit_to_inclusion_seconds', help: 'From a call submitted to it seen in a block', buckets: INCLUSION_BUCKETS, registers: [registry],
  });
  return {
    registry,
    /** Counts one reported attempt (the record the client prints). */
    attempt(record) {
      if (record.result === 'skipped') { skipped.inc({ error: record.error ?? 'unknown' }); return; }
      if (record.extrinsic) attempts.inc();
      if (record.result === 'success') accepted.inc();
      else if (record.error) refused.inc({ error: record.error });
      if (typeof record.head_to_submit_ms === 'number') headToSubmit.observe(record.head_to_submit_ms / 1000);
      if (typeof record.submit_to_inclusion_ms === 'number') submitToInclusion.observe(record.submit_to_inclusion_ms / 1000);
    },
  };
}

/** Parses HOST:PORT ([v6]:PORT too); throws on anything else. */
export function parseListen(text) {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`expected HOST:PORT (e.g. 127.0.0.1:9101), got '${text}'`);
  return { host: m[1] ?? m[2], port };
}

/** Serves the run's metrics on HOST:PORT; resolves to the metrics object with close() and port. */
export async function startMetrics(listen, command) {
  const { host, port } = parseListen(listen);
  const metrics = makeMetrics(command);
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' || !req.url.startsWith('/metrics')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics\n');
      return;
    }
    res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
  });
  await new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new FailureError(`--metrics: cannot listen on ${listen} (${e.code ?? e.message})`)));
    server.listen(port, host, resolve);
  });
  server.unref();
  metrics.port = server.address().port;
  metrics.close = () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); });
  return metrics;
}

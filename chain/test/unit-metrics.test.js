// --metrics: the Prometheus text a plain HTTP GET reads, after the attempts a run reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { parseListen, startMetrics } from '../src/metrics.js';

const fetchText = (url) => new Promise((resolve, reject) => {
  get(url, (res) => {
    let body = '';
    res.on('data', (d) => { body += d; });
    res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body }));
  }).on('error', reject);
});

test('GET /metrics: attempts, acceptances, refusals by name, and the two latency histograms in seconds', async () => {
  const metrics = await startMetrics('127.0.0.1:0', 'faucet');
  try {
    metrics.attempt({ result: 'success', extrinsic: '0x01', head_to_submit_ms: 40, submit_to_inclusion_ms: 900 });
    metrics.attempt({ result: 'refused', error: 'InvalidWorkBlock', extrinsic: '0x02', head_to_submit_ms: 60, submit_to_inclusion_ms: 1100 });
    metrics.attempt({ result: 'refused', error: 'InvalidWorkBlock', extrinsic: '0x03', head_to_submit_ms: 20, submit_to_inclusion_ms: null });
    metrics.attempt({ result: 'skipped', error: 'HotKeyAlreadyRegisteredInSubNet' });
    const r = await fetchText(`http://127.0.0.1:${metrics.port}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/plain/);
    const line = (re) => assert.match(r.body, re);
    line(/^btpow_chain_attempts_total\{command="faucet"\} 3$/m);
    line(/^btpow_chain_acceptances_total\{command="faucet"\} 1$/m);
    line(/^btpow_chain_refusals_total\{error="InvalidWorkBlock",command="faucet"\} 2$/m);
    line(/^btpow_chain_skipped_total\{error="HotKeyAlreadyRegisteredInSubNet",command="faucet"\} 1$/m);
    line(/^btpow_chain_head_to_submit_seconds_count\{command="faucet"\} 3$/m);
    line(/^btpow_chain_head_to_submit_seconds_bucket\{le="0\.05",command="faucet"\} 2$/m);
    line(/^btpow_chain_head_to_submit_seconds_sum\{command="faucet"\} 0\.1(2|19999)\d*$/m);
    line(/^btpow_chain_submit_to_inclusion_seconds_count\{command="faucet"\} 2$/m);
    line(/^# TYPE btpow_chain_head_to_submit_seconds histogram$/m);
    assert.equal((await fetchText(`http://127.0.0.1:${metrics.port}/other`)).status, 404);
  } finally {
    await metrics.close();
  }
});

test('--metrics takes HOST:PORT only', () => {
  assert.deepEqual(parseListen('127.0.0.1:9101'), { host: '127.0.0.1', port: 9101 });
  assert.deepEqual(parseListen('[::1]:9101'), { host: '::1', port: 9101 });
  for (const bad of ['9101', 'host:', 'host:70000', 'a b:1', 'http://h:1']) assert.throws(() => parseListen(bad), /expected HOST:PORT/);
});

test('a port already taken is a clear failure', async () => {
  const first = await startMetrics('127.0.0.1:0', 'jobs');
  try {
    await assert.rejects(startMetrics(`127.0.0.1:${first.port}`, 'jobs'), /--metrics: cannot listen on .*EADDRINUSE/);
  } finally {
    await first.close();
  }
});

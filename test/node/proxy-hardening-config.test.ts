/**
 * Issue 13, the config: what JSON.parse would silently accept (a key or placement given
 * twice keeps only the last; a placement named `__proto__` vanishes with its secrets
 * unchecked) is refused with one line naming it, and the new limits have defaults and
 * name the field at fault.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig, parseConfigText } from '../../src/proxy/config.js';
import { REPO_ROOT } from './harness.js';

const demo = '{ "provider": "demo" }';

function refused(parse: () => unknown): ConfigError {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('the config was accepted');
}

describe('config hardening: duplicates', () => {
  const cases: [string, string, string, RegExp][] = [
    ['a placement name given twice', `{ "placements": { "pdp": ${demo}, "home": ${demo}, "pdp": { "provider": "demo", "catalog": "other.json" } } }`, 'placements.pdp', /defined twice/],
    ['a top-level key given twice', `{ "timeoutMs": 2000, "placements": { "pdp": ${demo} }, "timeoutMs": 60000 }`, 'timeoutMs', /given twice/],
    ['a key given twice in a placement', `{ "placements": { "s": { "provider": "snappy", "apiKeyEnv": "A", "apiKeyEnv": "B" } } }`, 'placements.s.apiKeyEnv', /given twice/],
    ['a key given twice inside an array', `{ "allowedOrigins": ["https://a.example", { "x": 1, "x": 2 }], "placements": { "pdp": ${demo} } }`, 'allowedOrigins.1.x', /given twice/],
    ['a key given twice in a new block', `{ "limits": { "trustProxy": false, "trustProxy": true }, "placements": { "pdp": ${demo} } }`, 'limits.trustProxy', /given twice/],
  ];
  for (const [what, text, path, message] of cases) {
    it(`refuses ${what}, naming ${path}`, () => {
      const error = refused(() => parseConfigText(text));
      assert.equal(error.path, path);
      assert.match(error.message, message);
      assert.ok(error.message.startsWith(`${path}: `) && !error.message.includes('\n'), error.message);
    });
  }

  it('accepts equal keys in different objects, and key-like text inside strings', () => {
    const config = parseConfigText(
      `{ "placements": { "a": ${demo}, "b": { "provider": "demo", "catalog": "x\\", \\"catalog\\": \\"y.json" } }, "cache": { "sMaxAge": 1 } }`,
    );
    assert.deepEqual(Object.keys(config.placements), ['a', 'b']);
  });
});

describe('config hardening: reserved placement names', () => {
  for (const name of ['__proto__', 'constructor', 'prototype']) {
    it(`refuses a placement named ${name}, before its environment variables are looked at`, () => {
      // The variable is unset: were the name accepted, the error would be about it (or, for __proto__, nothing at all).
      const text = `{ "placements": { "pdp": ${demo}, "${name}": { "provider": "snappy", "apiKeyEnv": "RECS_TEST_UNSET_KEY" } } }`;
      for (const parse of [() => parseConfigText(text), () => parseConfig(JSON.parse(text))]) {
        const error = refused(parse);
        assert.equal(error.path, `placements.${name}`);
        assert.match(error.message, /reserved name/);
      }
    });
  }
});

describe('config hardening: limits', () => {
  it('has hardened defaults', () => {
    const config = parseConfigText(`{ "placements": { "pdp": ${demo} } }`);
    assert.deepEqual(config.server, { headersTimeoutMs: 10_000, requestTimeoutMs: 20_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_000, maxConnectionsPerClient: 100 });
    assert.deepEqual(config.limits, { perClient: { ratePerSecond: 10, burst: 20, maxClients: 10_000 }, vendor: { maxInFlight: 256, callsPerMinute: 0 }, trustProxy: false });
    assert.equal(config.maxResponseBytes, 2 * 1024 * 1024);
    assert.deepEqual(config.cache, { sMaxAge: 60, staleWhileRevalidate: 600, maxEntries: 1000, maxBytes: 32 * 1024 * 1024 });
  });

  it('fills what a partial block leaves out, and gives every config its own objects', () => {
    const config = parseConfig({ server: { maxConnections: 50 }, limits: { perClient: { burst: 5 }, trustProxy: 2 }, placements: { pdp: { provider: 'demo' } } });
    assert.equal(config.server.maxConnections, 50);
    assert.equal(config.server.headersTimeoutMs, 10_000);
    assert.deepEqual(config.limits, { perClient: { ratePerSecond: 10, burst: 5, maxClients: 10_000 }, vendor: { maxInFlight: 256, callsPerMinute: 0 }, trustProxy: 2 });
    const vendor = parseConfig({ limits: { vendor: { callsPerMinute: 6000, providers: { adobe: { callsPerMinute: 600 } } } }, placements: { pdp: { provider: 'demo' } } }).limits.vendor;
    assert.deepEqual(vendor, { maxInFlight: 256, callsPerMinute: 6000, providers: { adobe: { callsPerMinute: 600 } } });
    const first = parseConfig({ placements: { pdp: { provider: 'demo' } } });
    first.limits.perClient.burst = 1;
    first.limits.vendor.maxInFlight = 1;
    assert.equal(parseConfig({ placements: { pdp: { provider: 'demo' } } }).limits.perClient.burst, 20);
    assert.equal(parseConfig({ placements: { pdp: { provider: 'demo' } } }).limits.vendor.maxInFlight, 256);
  });

  const placements = { pdp: { provider: 'demo' } };
  const cases: [string, unknown, string, RegExp][] = [
    ['headers allowed longer than the whole request', { server: { headersTimeoutMs: 30_000 } }, 'server.headersTimeoutMs', /not be more than server\.requestTimeoutMs/],
    ['a timeout of 0 (which Node takes as none)', { server: { keepAliveTimeoutMs: 0 } }, 'server.keepAliveTimeoutMs', /at least 100/],
    ['no connection allowed', { server: { maxConnections: 0 } }, 'server.maxConnections', /at least 1/],
    ['no connection allowed per client', { server: { maxConnectionsPerClient: 0 } }, 'server.maxConnectionsPerClient', /at least 1/],
    ['an unknown server field', { server: { bodyTimeoutMs: 1000 } }, 'server.bodyTimeoutMs', /not a known field/],
    ['a rate of 0', { limits: { perClient: { ratePerSecond: 0 } } }, 'limits.perClient.ratePerSecond', /more than 0/],
    ['a fractional burst', { limits: { perClient: { burst: 1.5 } } }, 'limits.perClient.burst', /whole number/],
    ['trustProxy as a string', { limits: { trustProxy: 'yes' } }, 'limits.trustProxy', /false, true or the number of proxies/],
    ['trustProxy as a list of addresses', { limits: { trustProxy: ['10.0.0.1'] } }, 'limits.trustProxy', /false, true or the number of proxies/],
    ['no vendor call in flight allowed', { limits: { vendor: { maxInFlight: 0 } } }, 'limits.vendor.maxInFlight', /at least 1/],
    ['a negative budget of vendor calls', { limits: { vendor: { callsPerMinute: -1 } } }, 'limits.vendor.callsPerMinute', /at least 0/],
    ['a fractional budget of vendor calls', { limits: { vendor: { callsPerMinute: 10.5 } } }, 'limits.vendor.callsPerMinute', /whole number/],
    ['a budget needing more than 8 MB', { limits: { vendor: { callsPerMinute: 1_000_001 } } }, 'limits.vendor.callsPerMinute', /at most 1000000/],
    ['an unknown vendor limit', { limits: { vendor: { callsPerHour: 10 } } }, 'limits.vendor.callsPerHour', /not a known field/],
    ['a provider that is not a vendor', { limits: { vendor: { providers: { demo: { maxInFlight: 1 } } } } }, 'limits.vendor.providers.demo', /not a known field/],
    ["a provider's unknown limit", { limits: { vendor: { providers: { adobe: { burst: 1 } } } } }, 'limits.vendor.providers.adobe.burst', /not a known field/],
    ['a response cap below 1 KiB', { maxResponseBytes: 10 }, 'maxResponseBytes', /at least 1024/],
    ['a cache byte bound below 1 KiB', { cache: { maxBytes: 10 } }, 'cache.maxBytes', /at least 1024/],
  ];
  for (const [what, json, path, message] of cases) {
    it(`names ${path} for ${what}`, () => {
      const error = refused(() => parseConfig({ ...(json as object), placements }));
      assert.equal(error.path, path, error.message);
      assert.match(error.message, message);
    });
  }
});

describe('config hardening: npm run proxy', () => {
  it('stops with exit code 1 and one line naming a placement given twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recs-config-'));
    const path = join(dir, 'recs.config.json');
    writeFileSync(path, `{ "placements": { "pdp": ${demo}, "pdp": { "provider": "snappy", "apiKeyEnv": "RECS_TEST_UNSET_KEY" } } }`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/proxy/node.ts'], { cwd: REPO_ROOT, env: { ...process.env, RECS_CONFIG: path, PORT: '0' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /config error in .*recs\.config\.json: placements\.pdp: is defined twice/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig, parseConfigText } from '../../src/proxy/config.js';
import { MIN_SECRET_LENGTH, createProxyApp } from '../../src/proxy/app.js';
import { REPO_ROOT, call } from './harness.js';

const snappy = { provider: 'snappy', apiKeyEnv: 'SNAPPY_API_KEY' };

function configError(json: unknown): ConfigError {
  try {
    parseConfig(json);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('config: recs.config.json is validated at start', () => {
  it('ships a default that serves the demo catalog with no keys', () => {
    const config = parseConfigText(readFileSync(`${REPO_ROOT}recs.config.json`, 'utf8'));
    assert.ok(Object.keys(config.placements).includes('pdp'));
    // Splits and interleaves included: every source behind a placement is the demo.
    const sources = Object.values(config.placements).flatMap((placement) => ('variants' in placement ? Object.values(placement.variants) : [placement]));
    assert.ok(sources.every((placement) => placement.provider === 'demo'));
    assert.doesNotThrow(() => createProxyApp(config, { env: {} }));
  });

  const cases: [string, unknown, string][] = [
    ['an unknown provider', { placements: { pdp: { provider: 'acme' } } }, 'placements.pdp.provider'],
    ['a missing provider setting', { placements: { s: { provider: 'snappy' } } }, 'placements.s.apiKeyEnv'],
    ['a secret where an env var name belongs', { placements: { s: { ...snappy, apiKeyEnv: 'sk-live 1234' } } }, 'placements.s.apiKeyEnv'],
    ['a misspelt field', { placements: { s: { ...snappy, apikeyenv: 'X' } } }, 'placements.s.apikeyenv'],
    ['an unsafe placement name', { placements: { 'p/../x': snappy } }, 'placements.p/../x'],
    ['no placements', { placements: {} }, 'placements'],
    ['an origin with a path', { allowedOrigins: ['https://shop.example/'], placements: { s: snappy } }, 'allowedOrigins.0'],
    ['MaxResults beyond AWS bounds', { placements: { a: { provider: 'aws', region: 'us-east-1', domainName: 'd', recommenderName: 'r', maxResults: 11 } } }, 'placements.a.maxResults'],
    ['an Adobe context Adobe does not document', { placements: { a: { provider: 'adobe', apiKeyEnv: 'K', accessTokenEnv: 'T', recommendationContext: 'ANY' } } }, 'placements.a.recommendationContext'],
    ['a timeout that is not a number', { timeoutMs: 'fast', placements: { s: snappy } }, 'timeoutMs'],
    ['a non-http endpoint', { placements: { c: { provider: 'capillary', endpoint: 'ftp://x', usernameEnv: 'U', passwordEnv: 'P' } } }, 'placements.c.endpoint'],
    ...['https://recs.shop.example/', 'https://shop.example/api?x=1', 'javascript:alert(1)', 'https://user:pw@shop.example', '/api'].map(
      (publicUrl): [string, unknown, string] => [`a publicUrl of ${publicUrl}`, { publicUrl, placements: { s: snappy } }, 'publicUrl'],
    ),
    ['an unknown top-level field', { placement: {}, placements: { s: snappy } }, 'placement'],
  ];
  for (const [what, json, path] of cases) {
    it(`names the field for ${what}: ${path}`, () => {
      const error = configError(json);
      assert.equal(error.path, path);
      assert.ok(error.message.startsWith(`${path}: `), error.message);
    });
  }

  it('takes a publicUrl with or without a path prefix', () => {
    for (const publicUrl of ['https://recs.shop.example', 'https://shop.example/api', 'http://127.0.0.1:8787']) {
      assert.equal(parseConfig({ publicUrl, placements: { s: snappy } }).publicUrl, publicUrl);
    }
  });

  it('stops on a RECS_EVENTS_SECRET or REPORT_TOKEN shorter than 32 characters, naming the variable and never its value', () => {
    const config = parseConfig({ placements: { pdp: { provider: 'demo' } } });
    const long = 'x'.repeat(MIN_SECRET_LENGTH);
    for (const [name, weak] of [['RECS_EVENTS_SECRET', 'changeme'], ['REPORT_TOKEN', 'letmein'], ['REPORT_TOKEN', long.slice(1)]] as const) {
      const env = { RECS_EVENTS_SECRET: long, REPORT_TOKEN: long, [name]: weak };
      assert.throws(
        () => createProxyApp(config, { env }),
        (error: unknown) => error instanceof ConfigError && error.message.includes(name) && /at least 32 characters/.test(error.message) && !error.message.includes(weak),
        `${name}=${weak}`,
      );
    }
    // Long enough, unset, or the demo's dev server (its published report password "demo"): it starts.
    createProxyApp(config, { env: { RECS_EVENTS_SECRET: long, REPORT_TOKEN: long } });
    createProxyApp(config, { env: {} });
    createProxyApp(config, { env: { REPORT_TOKEN: 'demo' }, allowShortSecrets: true });
  });

  it('reports broken JSON', () => {
    assert.throws(() => parseConfigText('{ "placements": '), /not valid JSON/);
  });

  it('stops on a missing secret, naming the variable and never a value', () => {
    const config = parseConfig({ placements: { s: snappy, a: { provider: 'adobe', apiKeyEnv: 'ADOBE_API_KEY', accessTokenEnv: 'ADOBE_ACCESS_TOKEN' } } });
    const env = { SNAPPY_API_KEY: 'snappy-value-123456', ADOBE_API_KEY: 'adobe-value-654321' };
    assert.throws(
      () => createProxyApp(config, { env }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.path === 'placements.a.accessTokenEnv' &&
        error.message.includes('ADOBE_ACCESS_TOKEN') &&
        !error.message.includes('value'),
    );
  });
});

/** Runs `npm run proxy`'s entry (src/proxy/node.ts) as a child process. */
function runProxy(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/proxy/node.ts'], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /listening on (http:\/\/\S+?)\/recs/.exec(stdout)?.[1];
      if (url) resolve(url);
    });
    void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  // Tests that expect an exit never wait for `listening`.
  listening.catch(() => undefined);
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}

describe('npm run proxy', () => {
  it('starts on a fresh clone with the default config and no keys', async () => {
    const proxy = runProxy({ PORT: '0' });
    try {
      const url = await proxy.listening;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(proxy.output().stdout, /pdp \(demo\)/);
      const answer = await call(`${url}/recs/pdp?productId=sku-01&limit=2`);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.items.length, 2);
    } finally {
      proxy.child.kill('SIGTERM');
      await proxy.exited;
    }
  });

  it('stops with exit code 1 and one line naming the bad field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recs-config-'));
    const path = join(dir, 'recs.config.json');
    writeFileSync(path, JSON.stringify({ placements: { pdp: { provider: 'acme' } } }));
    const proxy = runProxy({ RECS_CONFIG: path, PORT: '0' });
    assert.equal(await proxy.exited, 1);
    assert.match(proxy.output().stderr, /config error in .*recs\.config\.json: placements\.pdp\.provider: must be one of/);
  });

  it('stops with exit code 1 and one line on a weak REPORT_TOKEN', { timeout: 20_000 }, async () => {
    const proxy = runProxy({ PORT: '0', REPORT_TOKEN: 'changeme' });
    const code = await Promise.race([proxy.exited, proxy.listening.then(() => 'listening', () => proxy.exited)]);
    proxy.child.kill('SIGKILL');
    assert.equal(code, 1);
    const { stderr } = proxy.output();
    assert.match(stderr, /^recs proxy: config error in recs\.config\.json: the environment variable REPORT_TOKEN must be at least 32 characters/);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.ok(!stderr.includes('changeme'));
  });

  it('stops when a named secret is missing, naming the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recs-config-'));
    const path = join(dir, 'recs.config.json');
    writeFileSync(path, JSON.stringify({ placements: { related: { provider: 'snappy', apiKeyEnv: 'RECS_TEST_UNSET_KEY' } } }));
    const proxy = runProxy({ RECS_CONFIG: path, PORT: '0' });
    assert.equal(await proxy.exited, 1);
    assert.match(proxy.output().stderr, /placements\.related\.apiKeyEnv: the environment variable RECS_TEST_UNSET_KEY is not set/);
  });
});

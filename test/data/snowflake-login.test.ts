// SPDX-License-Identifier: Apache-2.0
// Logging in to Snowflake (through the test double): password and key-pair credentials from
// the environment, coded errors for a wrong credential, a closed port and bad options, and no
// credential ever written to the console, a log file, an error or the connector object.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeConnector } from '../../src/data/snowflake/connector.js';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import { ACCOUNT, PASSWORD, optionsFor, startDouble } from '../support/snowflake-double/fixture.js';

const KEY_USER = 'LOADER';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PASSPHRASE = 'key-passphrase-never-logged';

let double: SnowflakeDouble;
let dir: string;

beforeAll(async () => {
  double = await startDouble({
    users: [
      { name: 'ANALYST', password: PASSWORD },
      {
        name: KEY_USER,
        publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'prequel-snowflake-'));
  writeFileSync(
    join(dir, 'key.p8'),
    keys.privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: PASSPHRASE,
    }),
  );
  writeFileSync(
    join(dir, 'other.p8'),
    otherKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );
});

afterAll(async () => {
  await double?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `body` capturing everything written to stdout, stderr and the console. */
async function captureOutput(body: () => Promise<void>): Promise<string> {
  const captured: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const saved = methods.map((m) => console[m]);
  const keep = (chunk: unknown): boolean => (captured.push(String(chunk)), true);
  process.stdout.write = keep as typeof process.stdout.write;
  process.stderr.write = keep as typeof process.stderr.write;
  for (const m of methods) console[m] = (...args: unknown[]) => void captured.push(inspect(args));
  try {
    await body();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    methods.forEach((m, i) => (console[m] = saved[i]));
  }
  return captured.join('');
}

describe('Snowflake login', () => {
  it('logs in with a key pair whose encrypted key file path is in the environment', async () => {
    const env = {
      SNOWFLAKE_PRIVATE_KEY_PATH: join(dir, 'key.p8'),
      SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
    };
    const sf = await SnowflakeConnector.connect(optionsFor(double, { user: KEY_USER, env }));
    try {
      expect(await sf.listTables()).toEqual([]);
    } finally {
      await sf.close();
    }
  });

  it('reads the variables it is told to, from process.env by default, a key file first', async () => {
    const variable = 'PREQUEL_TEST_SNOWFLAKE_SECRET';
    process.env[variable] = PASSWORD;
    try {
      const options = { ...optionsFor(double), env: undefined, passwordEnv: variable };
      const sf = await SnowflakeConnector.connect(options);
      await sf.close();
    } finally {
      delete process.env[variable];
    }
    const env = {
      SNOWFLAKE_PASSWORD: 'not-the-password',
      SNOWFLAKE_PRIVATE_KEY_PATH: join(dir, 'key.p8'),
      SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
    };
    const keyed = await SnowflakeConnector.connect(optionsFor(double, { user: KEY_USER, env }));
    await keyed.close();
  });

  it('reports wrong credentials as a login failure naming account, host and user', async () => {
    const cases = [
      { env: { SNOWFLAKE_PASSWORD: 'wrong' } },
      { user: 'NOBODY' },
      { account: 'other_account' },
      { user: KEY_USER, env: { SNOWFLAKE_PRIVATE_KEY_PATH: join(dir, 'other.p8') } },
    ];
    for (const overrides of cases) {
      const err = await SnowflakeConnector.connect(optionsFor(double, overrides)).catch((e) => e);
      expect(err).toMatchObject({ code: 'SNOWFLAKE_LOGIN_FAILED' });
      expect(err.details).toMatchObject({
        host: double.url,
        account: overrides.account ?? ACCOUNT,
      });
      expect(err.message).toContain(double.url);
      expect(err.message).not.toMatch(/\{\w+\}/);
    }
    expect(double.stats.failedLogins).toBe(cases.length);
  });

  it('reports a closed port as a network error naming the host', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const err = await SnowflakeConnector.connect({ ...optionsFor(double), accessUrl: url }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'SNOWFLAKE_NETWORK_ERROR', details: { host: url } });
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).not.toMatch(/\{\w+\}/);
  });

  it('reports missing credentials and invalid options before any request', async () => {
    const logins = double.stats.logins + double.stats.failedLogins;
    await expect(SnowflakeConnector.connect(optionsFor(double, { env: {} }))).rejects.toMatchObject(
      {
        code: 'SNOWFLAKE_CREDENTIALS_MISSING',
      },
    );
    const bad = [
      { account: '' },
      { account: 'bad account!' },
      { user: undefined as unknown as string },
      { schema: '  ' },
      { accessUrl: 'ftp://example.com' },
      { accessUrl: 'http://host/path' },
      { chunkRows: 0 },
      { loginRetries: -1 },
      { requestTimeoutMs: 1.5 },
    ];
    for (const overrides of bad) {
      await expect(SnowflakeConnector.connect(optionsFor(double, overrides))).rejects.toMatchObject(
        {
          code: 'SNOWFLAKE_CONFIG_INVALID',
        },
      );
    }
    expect(double.stats.logins + double.stats.failedLogins).toBe(logins);
  });

  it('never writes a credential to the console, a log file, an error or the connector', async () => {
    const secrets = [PASSWORD, PASSPHRASE];
    const seen: string[] = [];
    const output = await captureOutput(async () => {
      const sf = await SnowflakeConnector.connect(optionsFor(double));
      seen.push(inspect(sf, { depth: 6 }));
      await sf.queryAll('SELECT 1 AS one');
      await sf.queryAll('SELEC nonsense').catch((e) => seen.push(inspect(e, { depth: 6 })));
      await sf.close();
      const env = { SNOWFLAKE_PASSWORD: `${PASSWORD}-wrong` };
      const failed = await SnowflakeConnector.connect(optionsFor(double, { env })).catch((e) => e);
      seen.push(inspect(failed, { depth: 6 }), JSON.stringify(failed.details));
      const keyEnv = {
        SNOWFLAKE_PRIVATE_KEY_PATH: join(dir, 'key.p8'),
        SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
      };
      const keyed = await SnowflakeConnector.connect(
        optionsFor(double, { user: KEY_USER, env: keyEnv }),
      );
      seen.push(inspect(keyed, { depth: 6 }));
      await keyed.close();
    });
    for (const text of [output, ...seen]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(seen.length).toBe(5);
    expect(existsSync('snowflake.log')).toBe(false);
  });
});

// SPDX-License-Identifier: Apache-2.0
// Training settings and source settings: what is accepted, what each mistake is called, and
// what the run modes expand to.
import { describe, expect, it } from 'vitest';
import { PrequelError } from '../../src/errors/index.js';
import { checkTrainSettings, runConfigs, splitOf } from '../../src/pipeline/settings.js';
import {
  duckDbSettings,
  normaliseSourceInput,
  snowflakeOptions,
} from '../../src/pipeline/source.js';
import type { SourceRecord } from '../../src/control/metadata/sources.js';

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof PrequelError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an error');
}

const BAD_SETTINGS: [string, unknown, string][] = [
  ['unknown name', { epoch: 3 }, 'options.epoch'],
  ['mode', { mode: 'quick' }, 'fast, normal, best'],
  ['epochs zero', { epochs: 0 }, 'options.epochs'],
  ['fractional channels', { channels: 12.5 }, 'options.channels'],
  ['fanouts zero', { fanouts: [10, 0] }, 'options.fanouts'],
  ['fanouts not a list', { fanouts: '10,5' }, 'options.fanouts'],
  ['lr negative', { lr: -1 }, 'options.lr'],
  ['dropout one', { dropout: 1 }, 'options.dropout'],
  ['aggregation', { aggregation: 'max' }, 'sum or mean'],
  ['backend', { backend: 'cuda' }, 'cpu or webgpu'],
  ['bad date', { validationStart: '2005-13-01', testStart: '2010-01-01' }, 'validationStart'],
  ['one split time', { testStart: '2010-01-01' }, 'validationStart'],
  ['anchors without split', { evalAnchors: 4 }, 'options.evalAnchors'],
  ['test before validation', { validationStart: '2010-01-01', testStart: '2005-01-01' }, 'later'],
  ['not an object', [1, 2], 'an object'],
];

describe('checkTrainSettings', () => {
  it.each(BAD_SETTINGS)('refuses %s', (_name, value, mentions) => {
    const { code, message } = codeOf(() => checkTrainSettings(value));
    expect(code).toBe('CONTROL_INVALID_ARGUMENT');
    expect(message).toContain(mentions);
  });

  it('accepts an explicit RelBench split and maps it to microseconds', () => {
    const s = checkTrainSettings({
      validationStart: '2005-01-01',
      testStart: '2010-01-01',
      evalAnchors: 40,
    });
    expect(splitOf(s)).toEqual({
      kind: 'explicit',
      validationStart: BigInt(Date.UTC(2005, 0, 1)) * 1000n,
      testStart: BigInt(Date.UTC(2010, 0, 1)) * 1000n,
      evalAnchors: 40,
    });
    expect(splitOf({})).toBeUndefined();
  });
});

describe('runConfigs', () => {
  it('expands modes and lets explicit settings win', () => {
    expect(runConfigs({ mode: 'fast' })).toHaveLength(1);
    expect(runConfigs({ mode: 'fast', epochs: 1 })[0]!.epochs).toBe(1);
    expect(runConfigs({})[0]!.channels).toBe(64);
    const best = runConfigs({ mode: 'best' });
    expect(best.map((c) => `${c.lr}/${c.aggregation}`)).toEqual([
      '0.005/sum',
      '0.005/mean',
      '0.002/sum',
      '0.002/mean',
    ]);
    expect(runConfigs({ mode: 'best', lr: 0.01, aggregation: 'mean' })).toHaveLength(1);
  });
});

function source(kind: 'duckdb' | 'snowflake', settings: SourceRecord['settings'], secrets = {}) {
  return { id: '1', name: 's', kind, settings, secrets, createdAt: '', updatedAt: '' };
}

describe('source settings', () => {
  it('reads DuckDB file options and refuses unknown or mistyped ones', () => {
    const { path, files } = duckDbSettings(
      source('duckdb', { path: 'data', nullString: '\\N', header: false }),
      '/base',
    );
    expect(path).toBe('/base/data');
    expect(files).toEqual({ nullStrings: ['\\N'], header: false });
    for (const [settings, mentions] of [
      [{ path: 'd', delimeter: ';' }, 'delimeter'],
      [{ path: 'd', header: 'yes' }, 'header'],
      [{ path: 'd', encoding: 'ascii' }, 'latin-1'],
      [{}, 'path'],
    ] as const) {
      const { code, message } = codeOf(() => duckDbSettings(source('duckdb', settings)));
      expect(code).toBe('CONTROL_SOURCE_SETTING_INVALID');
      expect(message).toContain(mentions);
    }
  });

  it('reads NULL markers from nullString and nullStrings, the name the CSV warnings give', () => {
    const read = (settings: SourceRecord['settings']) =>
      duckDbSettings(source('duckdb', { path: 'd', ...settings })).files.nullStrings;
    expect(read({ nullStrings: ['\\N', 'NA'] })).toEqual(['\\N', 'NA']);
    expect(read({ nullString: 'NA', nullStrings: ['\\N', 'NA'] })).toEqual(['NA', '\\N']);
    expect(read({ nullStrings: [] })).toBeUndefined();
    for (const bad of ['\\N', ['\\N', 3]] as const) {
      const { code, message } = codeOf(() =>
        duckDbSettings(source('duckdb', { path: 'd', nullStrings: bad as never })),
      );
      expect(code).toBe('CONTROL_SOURCE_SETTING_INVALID');
      expect(message).toContain('a list of strings read as NULL');
    }
  });

  it('takes a delimiter of one character (or \\t) only, as the CLI and the library do', () => {
    const delimiter = (d: string) =>
      duckDbSettings(source('duckdb', { path: 'd', delimiter: d })).files.delimiter;
    expect([';', '\t', '\\t', '|'].map(delimiter)).toEqual([';', '\t', '\\t', '|']);
    for (const bad of ['', 'ab', ';;', '\\n\\t']) {
      const { code, message } = codeOf(() => delimiter(bad));
      expect(code, JSON.stringify(bad)).toBe('CONTROL_SOURCE_SETTING_INVALID');
      expect(message).toContain(
        `must be one character, e.g. "," or "\\t", got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('refuses a DuckDB path that does not exist, naming it', async () => {
    await expect(
      normaliseSourceInput({ name: 'x', kind: 'duckdb', settings: { path: '/no/such/dir' } }),
    ).rejects.toMatchObject({
      code: 'CONTROL_SOURCE_SETTING_INVALID',
      message: /an existing directory.*\/no\/such\/dir/,
    });
  });

  it('hands Snowflake credentials to the driver from references, never from settings', () => {
    const options = snowflakeOptions(
      source(
        'snowflake',
        { account: 'acme', user: 'u', database: 'd', schema: 's' },
        { password: { env: 'MY_PW' } },
      ),
      { MY_PW: 'hunter2' },
    );
    expect(options.env).toEqual({ SNOWFLAKE_PASSWORD: 'hunter2' });
    expect(JSON.stringify({ ...options, env: undefined })).not.toContain('hunter2');
    const missing = codeOf(() =>
      snowflakeOptions(
        source(
          'snowflake',
          { account: 'acme', user: 'u', database: 'd', schema: 's' },
          { password: { env: 'UNSET_PW' } },
        ),
        {},
      ),
    );
    expect(missing.code).toBe('CONTROL_SECRET_UNRESOLVED');
  });
});

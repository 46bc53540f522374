// SPDX-License-Identifier: Apache-2.0
// Extra columns: read from a stage's node file (text hashed into n-gram ids, code lists,
// float lists; nulls), and encoded: statistics and vocabularies fit on rows visible at the
// cutoff only, bags with the empty bucket for rows without values, embedding features
// standardised with a null flag; missing or mismatched columns give TRAIN_EXTRA_COLUMN.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Field,
  Float32,
  Int32,
  List,
  Table,
  Utf8,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { Stage, StageManifest } from '../../src/data/stage.js';
import { textNgrams } from '../../src/train/encoding.js';
import {
  embeddingColumn,
  multiCategoricalColumn,
  readExtraColumns,
  textColumn,
  type ExtraTable,
} from '../../src/train/extra-columns.js';
import {
  checkExtraTable,
  encodeBags,
  encodeExtraDense,
  fitExtraEncoders,
  subsetBag,
} from '../../src/train/extra-encoders.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const list = (t: Int32 | Float32) => new List(new Field('item', t, true));

describe('readExtraColumns', () => {
  it('reads text, code lists and float lists of a stage node file, nulls included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prequel-extra-'));
    try {
      const table = new Table({
        f0: vectorFromArray(['Arrived broken', null, ''], new Utf8()),
        f1: vectorFromArray([[0, 2], null, [1]], list(new Int32())),
        f2: vectorFromArray([[1, 2], [3, 4], null], list(new Float32())),
      });
      await writeFile(join(dir, 'reviews.arrow'), tableToIPC(table, 'file'));
      const feature = (field: string, column: string, stype: string, encoding: string) =>
        ({ field, column, stype, encoding, nulls: 1 }) as StageManifest['tables'][0]['features'][0];
      const manifest = {
        tables: [
          {
            name: 'reviews',
            file: 'reviews.arrow',
            rows: 3,
            keyType: null,
            temporal: false,
            features: [
              feature('f0', 'body', 'text', 'utf8'),
              {
                ...feature('f1', 'tags', 'multicategorical', 'code-lists'),
                vocabulary: ['a', 'b', 'c', 'd'],
              },
              feature('f2', 'vector', 'embedding', 'float32-lists'),
            ],
          },
          {
            name: 'users',
            file: 'users.arrow',
            rows: 1,
            keyType: null,
            temporal: false,
            features: [],
          },
        ],
      } as unknown as StageManifest;
      const stage: Stage = { dir, manifest, reused: true };
      const extra = await readExtraColumns(stage, { text: { buckets: 1024 } });

      expect([...extra.tables.keys()]).toEqual(['reviews']);
      const t = extra.tables.get('reviews')!;
      expect(t.rows).toBe(3);
      const body = t.text[0]!;
      expect(body).toMatchObject({ column: 'body', buckets: 1024, limit: 64 });
      expect([...body.offsets]).toEqual([
        0,
        textNgrams('Arrived broken', 1024).length,
        body.ids.length,
        body.ids.length,
      ]);
      expect([...body.ids]).toEqual(textNgrams('Arrived broken', 1024));
      const tags = t.multicategorical[0]!;
      expect(tags.vocabulary).toBe(4);
      expect([...tags.offsets]).toEqual([0, 2, 2, 3]);
      expect([...tags.codes]).toEqual([0, 2, 1]);
      const vector = t.embedding[0]!;
      expect(vector.dim).toBe(2);
      expect([...vector.values]).toEqual([1, 2, 3, 4, 0, 0]);
      expect([...vector.valid]).toEqual([1, 1, 0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses ragged embeddings, codes outside the vocabulary and bad text settings', () => {
    expect(codeOf(() => embeddingColumn('v', [[1, 2], [3]]))).toBe('TRAIN_EXTRA_COLUMN');
    expect(codeOf(() => multiCategoricalColumn('m', [[0, 5]], 4))).toBe('TRAIN_EXTRA_COLUMN');
    expect(codeOf(() => multiCategoricalColumn('m', [[-1]]))).toBe('TRAIN_EXTRA_COLUMN');
    expect(codeOf(() => textColumn('t', ['a'], { buckets: 1 }))).toBe('TRAIN_EXTRA_COLUMN');
    expect(codeOf(() => textColumn('t', ['a'], { limit: 0 }))).toBe('TRAIN_EXTRA_COLUMN');
  });
});

/** Four rows; rows 2 and 3 come after the cutoff (visible 1, 1, 0, 0). */
function fourRows(): ExtraTable {
  return {
    nodeType: 'reviews',
    rows: 4,
    text: [textColumn('body', ['late', null, 'late late', 'brand new words'], { buckets: 64 })],
    multicategorical: [multiCategoricalColumn('tags', [[1, 1], [2], [3, 3, 3], null], 5)],
    embedding: [embeddingColumn('vector', [[1, 10], [3, 10], [1000, -1000], null])],
  };
}
const visible = Uint8Array.from([1, 1, 0, 0]);

describe('extra encoders', () => {
  it('fit vocabularies and statistics on visible rows only', () => {
    const enc = fitExtraEncoders(fourRows(), visible, 2);
    // Code 1 twice in visible rows: its own bucket; 2 once, 3 only after the cutoff: rare.
    const m = enc.multicategorical[0]!.stats;
    expect(m.buckets).toBe(2);
    expect([...m.bucketOf]).toEqual([0, 1, 0, 0, 0]);
    const e = enc.embedding[0]!;
    expect(e.dim).toBe(2);
    expect(e.stats[0]!.mean).toBe(2);
    expect(e.stats[0]!.count).toBe(2);
    expect(e.stats[1]!.std).toBe(1); // degenerate: constant over visible rows
    expect(enc.text[0]).toEqual({ column: 'body', buckets: 64, limit: 64 });
  });

  it('encode bags (bucket 0 for empty rows, rare codes shared) and standardised embeddings', () => {
    const table = fourRows();
    const enc = fitExtraEncoders(table, visible, 2);
    const ids = Int32Array.from([3, 0, 1, 2]);
    const [text, tags] = encodeBags(enc, table, ids);

    const rowBuckets = (bag: typeof text, r: number) =>
      Array.from(bag!.col.subarray(bag!.rowptr[r]!, bag!.rowptr[r + 1]!), (k) => bag!.ids[k]!);
    expect(rowBuckets(text, 2)).toEqual([0]); // null text
    expect(rowBuckets(text, 1)).toEqual(textNgrams('late', 64));
    expect(rowBuckets(tags, 0)).toEqual([0]); // null list
    expect(rowBuckets(tags, 1)).toEqual([2, 2]); // code 1: 1 + its bucket
    expect(rowBuckets(tags, 2)).toEqual([1]); // code 2: rare
    expect(rowBuckets(tags, 3)).toEqual([1, 1, 1]); // code 3: unseen at the cutoff
    expect([...tags!.ids]).toEqual([0, 1, 2]);

    const sub = subsetBag(tags!, Int32Array.from([1, 0]));
    expect([...sub.rowptr]).toEqual([0, 2, 3]);
    expect(rowBuckets(sub, 0)).toEqual([2, 2]);
    expect(rowBuckets(sub, 1)).toEqual([0]);

    const dense = new Float32Array(4 * 4).fill(-7);
    encodeExtraDense(enc, table, ids, dense, 1, 4);
    const std0 = enc.embedding[0]!.stats[0]!.std;
    expect([...dense.subarray(0, 4)]).toEqual([-7, 0, 0, 1]); // null row: zeros and the flag
    expect(dense[5]).toBeCloseTo((1 - 2) / std0, 6);
    expect([dense[6], dense[7]]).toEqual([0, 0]);
    expect([...dense.subarray(13, 16)]).toEqual([10, -10, 0]); // clipped
  });

  it('refuses a missing column, changed hashing or width, and a wrong row count', () => {
    const table = fourRows();
    const enc = fitExtraEncoders(table, visible, 2);
    expect(() => checkExtraTable(enc, 'reviews', 4, table)).not.toThrow();
    const codes = [
      () => checkExtraTable(enc, 'reviews', 4, undefined),
      () => checkExtraTable(enc, 'reviews', 4, { ...table, text: [] }),
      () =>
        checkExtraTable(enc, 'reviews', 4, {
          ...table,
          text: [textColumn('body', ['a', 'b', 'c', 'd'], { buckets: 128 })],
        }),
      () =>
        checkExtraTable(enc, 'reviews', 4, {
          ...table,
          embedding: [embeddingColumn('vector', [[1], [2], [3], [4]])],
        }),
      () => checkExtraTable(enc, 'reviews', 5, table),
      () => fitExtraEncoders(table, new Uint8Array(5), 2),
    ].map(codeOf);
    expect(codes).toEqual(Array(6).fill('TRAIN_EXTRA_COLUMN'));
  });
});

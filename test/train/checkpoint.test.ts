// Checkpoint files: exact round trip, atomic writes, and coded errors for every way a file can
// be wrong (missing, truncated, modified, another format version, another graph definition).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrequelError } from '../../src/errors/index.js';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointMeta,
  type CheckpointTensor,
} from '../../src/train/checkpoint.js';

const meta: CheckpointMeta = {
  graphHash: 'sha256:abc',
  createdAt: '2026-12-03T00:00:00.000Z',
  plan: { task: 'binary', entity: 'drivers.driverId' },
  encoders: { drivers: { nationality: { vocabulary: ['British', 'German'] } } },
  config: { channels: 8 },
};

const tensors: CheckpointTensor[] = [
  { name: 'w1', dtype: 'float32', shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-8, NaN) },
  { name: 'ids', dtype: 'int32', shape: [3], data: Int32Array.of(7, -1, 2 ** 31 - 1) },
  { name: 'empty', dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof PrequelError) return err.code;
    throw err;
  }
  return undefined;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'prequel-ckpt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoint format', () => {
  it('round-trips metadata and tensors bit for bit', () => {
    const file = path.join(dir, 'model.ckpt');
    const hash = saveCheckpoint(file, meta, tensors);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(dir)).toEqual(['model.ckpt']);

    const loaded = loadCheckpoint(file, { graphHash: 'sha256:abc' });
    expect(loaded.meta).toEqual(meta);
    for (const t of tensors) {
      const got = loaded.tensors.get(t.name)!;
      expect(got.shape).toEqual(t.shape);
      expect(Buffer.from(got.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    }
  });

  it('refuses a checkpoint trained on another graph definition', () => {
    const file = path.join(dir, 'model.ckpt');
    saveCheckpoint(file, meta, tensors);
    expect(codeOf(() => loadCheckpoint(file, { graphHash: 'sha256:def' }))).toBe(
      'TRAIN_CHECKPOINT_GRAPH_CHANGED',
    );
  });

  const bytes = encodeCheckpoint(meta, tensors);
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 40]! ^= 1;
  const badMagic = Buffer.from(bytes);
  badMagic[0] = 0;
  const cases: { name: string; data: Buffer; code: string }[] = [
    { name: 'empty file', data: Buffer.alloc(0), code: 'TRAIN_CHECKPOINT_CORRUPT' },
    {
      name: 'truncated',
      data: bytes.subarray(0, bytes.length - 9),
      code: 'TRAIN_CHECKPOINT_CORRUPT',
    },
    { name: 'one bit flipped', data: flipped, code: 'TRAIN_CHECKPOINT_CORRUPT' },
    { name: 'wrong magic', data: badMagic, code: 'TRAIN_CHECKPOINT_CORRUPT' },
    {
      name: 'text',
      data: Buffer.from('hello world, not a model'),
      code: 'TRAIN_CHECKPOINT_CORRUPT',
    },
  ];
  it.each(cases)('rejects a bad file ($name) with $code', ({ data, code }) => {
    const file = path.join(dir, 'bad.ckpt');
    writeFileSync(file, data);
    expect(codeOf(() => loadCheckpoint(file))).toBe(code);
  });

  it('rejects another format version and a missing file', () => {
    const file = path.join(dir, 'model.ckpt');
    saveCheckpoint(file, meta, tensors);
    const text = readFileSync(file);
    // Rewrite the version inside the header and fix up the checksum, as a future writer would.
    const header = text.subarray(0, text.length - 32).toString('latin1');
    const body = Buffer.from(header.replace('"formatVersion":1', '"formatVersion":9'), 'latin1');
    const future = Buffer.concat([body, createHash('sha256').update(body).digest()]);
    expect(codeOf(() => decodeCheckpoint(future))).toBe('TRAIN_CHECKPOINT_VERSION');
    expect(codeOf(() => loadCheckpoint(path.join(dir, 'nope.ckpt')))).toBe(
      'TRAIN_CHECKPOINT_MISSING',
    );
    expect(existsSync(path.join(dir, 'nope.ckpt'))).toBe(false);
  });

  it('refuses to write a tensor whose shape does not match its data', () => {
    const bad = [
      { name: 'w', dtype: 'float32' as const, shape: [2, 2], data: new Float32Array(3) },
    ];
    expect(codeOf(() => encodeCheckpoint(meta, bad))).toBe('TRAIN_CHECKPOINT_TENSOR');
  });
});

// SPDX-License-Identifier: Apache-2.0
// The model checkpoint file: a versioned JSON header (the plan, the hash of the graph definition
// the model was trained on, encoder statistics and vocabularies, the configuration) followed by
// raw little-endian tensors, closed by a SHA-256 of everything before it.
//
// Layout:
//   magic    8 bytes  "PQCKPT\0\1"
//   length   u32 LE   header byte length
//   header   JSON     CheckpointHeader (utf-8), padded with spaces to a multiple of 8 bytes
//   payload           tensors, each at its header offset (8-byte aligned), little-endian
//   checksum 32 bytes SHA-256 of magic + length + header + payload
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { raise } from '../errors/index.js';

export const CHECKPOINT_VERSION = 1;
const MAGIC = Buffer.from([0x50, 0x51, 0x43, 0x4b, 0x50, 0x54, 0x00, 0x01]);

export type TensorData = Float32Array | Int32Array;

export interface CheckpointTensor {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  data: TensorData;
}

/** Everything a checkpoint says about itself, besides the tensors. */
export interface CheckpointMeta {
  /** Content hash of the graph definition the model was trained on. */
  graphHash: string;
  createdAt: string;
  plan: unknown;
  encoders: unknown;
  config: unknown;
  metrics?: unknown;
}

interface TensorEntry {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  offset: number;
  byteLength: number;
}

interface CheckpointHeader extends CheckpointMeta {
  formatVersion: number;
  tensors: TensorEntry[];
}

const align8 = (n: number) => (n + 7) & ~7;

/** Serialises a checkpoint into one buffer. */
export function encodeCheckpoint(meta: CheckpointMeta, tensors: CheckpointTensor[]): Buffer {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      raise('TRAIN_CHECKPOINT_TENSOR', {
        name: t.name,
        problem: `shape [${t.shape.join(', ')}] holds ${count} values, data ${t.data.length}`,
      });
    }
    entries.push({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      offset,
      byteLength: t.data.byteLength,
    });
    offset = align8(offset + t.data.byteLength);
  }

  const header: CheckpointHeader = { ...meta, formatVersion: CHECKPOINT_VERSION, tensors: entries };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  json = Buffer.concat([json, Buffer.alloc(align8(json.length) - json.length, 0x20)]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);

  const payload = Buffer.alloc(offset);
  tensors.forEach((t, i) => {
    const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    bytes.copy(payload, entries[i]!.offset);
  });

  const body = Buffer.concat([MAGIC, length, json, payload]);
  const checksum = createHash('sha256').update(body).digest();
  return Buffer.concat([body, checksum]);
}

/** Parses and verifies a checkpoint buffer; `path` names it in errors. */
export function decodeCheckpoint(
  file: Buffer,
  path = '<buffer>',
): { meta: CheckpointMeta; tensors: Map<string, CheckpointTensor> } {
  const corrupt = (problem: string): never => raise('TRAIN_CHECKPOINT_CORRUPT', { path, problem });

  if (file.length < MAGIC.length + 4 + 32) corrupt(`only ${file.length} bytes long`);
  if (!file.subarray(0, MAGIC.length).equals(MAGIC))
    corrupt('it does not start with the checkpoint magic');
  const body = file.subarray(0, file.length - 32);
  const expected = file.subarray(file.length - 32);
  if (!createHash('sha256').update(body).digest().equals(expected)) {
    corrupt('its SHA-256 checksum does not match (truncated or modified)');
  }

  const headerLength = file.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  if (headerStart + headerLength > body.length)
    corrupt(`header length ${headerLength} runs past the end`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(body.subarray(headerStart, headerStart + headerLength).toString('utf8'));
  } catch (err) {
    return corrupt(`its header is not valid JSON (${(err as Error).message})`);
  }
  if (header.formatVersion !== CHECKPOINT_VERSION) {
    raise('TRAIN_CHECKPOINT_VERSION', {
      path,
      found: header.formatVersion,
      expected: CHECKPOINT_VERSION,
    });
  }

  const payload = body.subarray(headerStart + headerLength);
  const tensors = new Map<string, CheckpointTensor>();
  for (const e of header.tensors) {
    if (e.offset % 8 !== 0 || e.offset + e.byteLength > payload.length) {
      corrupt(`tensor ${e.name} lies outside the payload`);
    }
    // Copy into fresh aligned memory: the file buffer may be shared and unaligned.
    const bytes = new Uint8Array(e.byteLength);
    bytes.set(payload.subarray(e.offset, e.offset + e.byteLength));
    const data =
      e.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (count !== data.length)
      corrupt(`tensor ${e.name} has ${data.length} values for shape [${e.shape}]`);
    tensors.set(e.name, { name: e.name, dtype: e.dtype, shape: e.shape, data });
  }
  const { formatVersion: _v, tensors: _t, ...meta } = header;
  return { meta, tensors };
}

/** Writes a checkpoint atomically (temporary file, then rename); returns its SHA-256. */
export function saveCheckpoint(
  path: string,
  meta: CheckpointMeta,
  tensors: CheckpointTensor[],
): string {
  const bytes = encodeCheckpoint(meta, tensors);
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads and verifies a checkpoint. With `graphHash`, refuses a checkpoint trained on another
 * graph definition.
 */
export function loadCheckpoint(path: string, options: { graphHash?: string } = {}) {
  if (!existsSync(path)) raise('TRAIN_CHECKPOINT_MISSING', { path });
  const checkpoint = decodeCheckpoint(readFileSync(path), path);
  if (options.graphHash !== undefined && checkpoint.meta.graphHash !== options.graphHash) {
    raise('TRAIN_CHECKPOINT_GRAPH_CHANGED', {
      path,
      trained: checkpoint.meta.graphHash,
      current: options.graphHash,
    });
  }
  return checkpoint;
}

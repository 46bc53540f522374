// SPDX-License-Identifier: Apache-2.0
// Accepts the array inputs of the stores: typed arrays as they are, Arrow vectors by their value
// buffer (no copy when the vector is one chunk without nulls, one concatenation otherwise).
import type { Vector } from 'apache-arrow';
import { raise } from '../errors/index.js';

/** An int32 column given as a typed array or an Arrow vector of Int32. */
export type Int32Input = Int32Array | Vector;
/** An int64 column given as a typed array or an Arrow vector of Int64 / Timestamp. */
export type Int64Input = BigInt64Array | Vector;
/** A float32 column given as a typed array or an Arrow vector of Float32. */
export type Float32Input = Float32Array | Vector;

type TypedCtor<T> = {
  new (n: number): T;
  readonly name: string;
  readonly BYTES_PER_ELEMENT: number;
};

function isVector(value: unknown): value is Vector {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { data?: unknown }).data) &&
    typeof (value as { nullCount?: unknown }).nullCount === 'number'
  );
}

function fromVector<T extends ArrayBufferView & ArrayLike<unknown>>(
  vector: Vector,
  ctor: TypedCtor<T>,
  code: string,
  arg: string,
): { values: T; valid: Uint8Array | null } {
  const chunks = vector.data.map((d) => ({ values: d.values as unknown, data: d }));
  for (const c of chunks) {
    if (!(c.values instanceof (ctor as unknown as new () => T))) {
      raise(code, {
        detail: `${arg}: expected an Arrow vector with ${ctor.name} values, got ${String(vector.type)}`,
      });
    }
  }
  let valid: Uint8Array | null = null;
  if (vector.nullCount > 0) {
    valid = new Uint8Array(vector.length);
    for (let i = 0; i < vector.length; i++) valid[i] = vector.isValid(i) ? 1 : 0;
  }
  if (chunks.length === 1) {
    const d = chunks[0]!.data;
    const values = chunks[0]!.values as T & { subarray(a: number, b: number): T };
    return { values: values.subarray(0, d.length), valid };
  }
  const out = new ctor(vector.length) as T & { set(a: ArrayLike<unknown>, o: number): void };
  let offset = 0;
  for (const c of chunks) {
    const values = c.values as T & { subarray(a: number, b: number): T };
    out.set(values.subarray(0, c.data.length), offset);
    offset += c.data.length;
  }
  return { values: out, valid };
}

function read<T extends ArrayBufferView & ArrayLike<unknown>>(
  value: unknown,
  ctor: TypedCtor<T>,
  code: string,
  arg: string,
  allowNulls: boolean,
): { values: T; valid: Uint8Array | null } {
  if (value instanceof (ctor as unknown as new () => T)) return { values: value as T, valid: null };
  if (isVector(value)) {
    const out = fromVector(value, ctor, code, arg);
    if (out.valid !== null && !allowNulls) {
      raise(code, { detail: `${arg}: expected no nulls, got ${value.nullCount}` });
    }
    return out;
  }
  const got =
    value === null || value === undefined
      ? String(value)
      : ((value as object).constructor?.name ?? typeof value);
  return raise(code, { detail: `${arg}: expected ${ctor.name} or an Arrow vector, got ${got}` });
}

/** Int32 values without nulls (ids); throws `code` naming `arg`. */
export function int32Values(value: unknown, arg: string, code = 'STORE_BAD_DEFINITION') {
  return read(value, Int32Array, code, arg, false).values;
}

/** Int64 values without nulls (times); throws `code` naming `arg`. */
export function int64Values(value: unknown, arg: string, code = 'STORE_BAD_DEFINITION') {
  return read(value, BigInt64Array, code, arg, false).values;
}

/** Values plus a validity mask (1 = present), or null when there are no nulls. */
export function withNulls<T extends ArrayBufferView & ArrayLike<unknown>>(
  value: unknown,
  ctor: TypedCtor<T>,
  arg: string,
  code = 'STORE_BAD_DEFINITION',
) {
  return read(value, ctor, code, arg, true);
}

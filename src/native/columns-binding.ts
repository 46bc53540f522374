// SPDX-License-Identifier: Apache-2.0
// Raw binding of the columns domain: the exact entry points native/bindings/columns_binding.cc exports.
// test/native/binding-mirror.test.ts checks this declaration against the addon's exports.

/** A tagged native handle to a column store (kind "column store"). */
export interface ColumnsHandle {
  readonly kind: 'column store';
}

/** A tagged native handle to a chunked column load (kind "column builder"). */
export interface ColumnsBuilderHandle {
  readonly kind: 'column builder';
}

export type RawColumnKind = 'float' | 'category' | 'timestamp';

export type RawColumnInput =
  | { name: string; kind: 'float'; values: Float32Array; valid?: Uint8Array | null }
  | { name: string; kind: 'category'; values: Int32Array }
  | { name: string; kind: 'timestamp'; values: BigInt64Array };

export interface RawColumnTableInput {
  nodeType: string;
  count: number;
  columns: RawColumnInput[];
}

export interface RawColumnTableInfo {
  nodeType: string;
  count: number;
  columns: { name: string; kind: RawColumnKind; hasValid: boolean }[];
}

export interface RawGatherBatch {
  rows: number;
  floatColumns: string[];
  categoryColumns: string[];
  timestampColumns: string[];
  floatValues: Float32Array;
  floatIsNull: Uint8Array;
  categoryValues: Int32Array;
  timestampValues: BigInt64Array;
}

export interface RawColumnFile {
  file: string;
  level: 'node';
  type: string;
  array: string;
  bytes: number;
  checksum: string;
}

export interface RawColumnTableLayout {
  nodeType: string;
  count: number;
  columns: { name: string; kind: RawColumnKind; valuesFile: string; validFile: string | null }[];
}

export interface ColumnsBinding {
  columnsLoadSync(tables: RawColumnTableInput[], threads?: number): ColumnsHandle;
  columnsClose(columns: ColumnsHandle): void;
  columnsInfo(columns: ColumnsHandle): RawColumnTableInfo[];
  columnsGather(
    columns: ColumnsHandle,
    nodeType: string,
    nodeIds: Int32Array,
    names: string[] | null,
    threads?: number,
  ): Promise<RawGatherBatch>;
  columnsGatherSync(
    columns: ColumnsHandle,
    nodeType: string,
    nodeIds: Int32Array,
    names: string[] | null,
    threads?: number,
  ): RawGatherBatch;
  columnsSave(columns: ColumnsHandle, dir: string): Promise<RawColumnFile[]>;
  columnsSaveSync(columns: ColumnsHandle, dir: string): RawColumnFile[];
  columnsOpenSync(dir: string, tables: RawColumnTableLayout[]): ColumnsHandle;
  columnsBuilderCreate(
    tables: { nodeType: string; count: number; columns: { name: string; kind: RawColumnKind }[] }[],
  ): ColumnsBuilderHandle;
  columnsBuilderAppend(
    builder: ColumnsBuilderHandle,
    nodeType: string,
    column: string,
    values: Float32Array | Int32Array | BigInt64Array,
    validBits: Uint8Array | null,
    bitOffset: number,
  ): void;
  columnsBuilderFinish(builder: ColumnsBuilderHandle): ColumnsHandle;
  columnsBuilderClose(builder: ColumnsBuilderHandle): void;
}

/** Names of the entry points declared above, for the mirror check. */
export const columnsBindingNames: readonly string[] = [
  'columnsLoadSync',
  'columnsClose',
  'columnsInfo',
  'columnsGather',
  'columnsGatherSync',
  'columnsSave',
  'columnsSaveSync',
  'columnsOpenSync',
  'columnsBuilderCreate',
  'columnsBuilderAppend',
  'columnsBuilderFinish',
  'columnsBuilderClose',
];

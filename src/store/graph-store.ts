// SPDX-License-Identifier: Apache-2.0
// The temporal graph store: per edge type a CSR of in-edges, each list sorted by (key time,
// source id), built natively from edge lists or memory-mapped from a saved directory.
import { awaitNative, callNative, raise } from '../errors/index.js';
import { native } from '../native/index.js';
import type {
  RawStoreFile,
  RawStoreInfo,
  RawStoreLayout,
  StoreHandle,
} from '../native/store-binding.js';
import { toRawInput, type GraphSpec } from './graph-def.js';
import {
  findFile,
  readManifest,
  writeDirectory,
  writeDirectorySync,
  writeManifest,
  type Manifest,
} from './manifest.js';

const FORMAT = 'prequel-graph-store';
const VERSION = 1;

export interface BuildOptions {
  /** Native threads for the build (default: all cores). */
  threads?: number;
}

export interface OpenOptions {
  /** Also recompute every file's checksum against the manifest (reads every file). */
  verify?: boolean;
  /**
   * Skip the range check of every stored source id and edge id (one sequential read of the
   * edge arrays, about 0.1 s per 40M edges). Only for directories this process just wrote:
   * without the check a corrupted file of the right size can make sampling read out of bounds.
   */
  trusted?: boolean;
}

export interface NodeTypeInfo {
  name: string;
  count: number;
  /** False for a static node type (rows visible at every time). */
  hasTime: boolean;
}

export interface EdgeTypeInfo {
  /** "src__relation__dst" */
  name: string;
  src: string;
  relation: string;
  dst: string;
  numEdges: number;
  hasEdgeTime: boolean;
  hasEdgeId: boolean;
}

export interface Neighbors {
  /** Source node ids of the in-edges, sorted by (key time, source id). */
  src: Int32Array;
  edgeTime: BigInt64Array | null;
  /** Position of each edge in the build's edge list, when kept. */
  edgeId: Int32Array | null;
}

export interface EdgeArrays {
  rowptr: BigInt64Array;
  col: Int32Array;
  edgeTime: BigInt64Array | null;
  edgeId: Int32Array | null;
}

export interface EdgeTypeMemory {
  name: string;
  numEdges: number;
  bytes: number;
  bytesPerEdge: number;
}

export interface StoreMemory {
  edgeTypes: EdgeTypeMemory[];
  /** Bytes of per-node times. */
  nodeTimeBytes: number;
  /** All bytes: edge arrays plus node times. */
  totalBytes: number;
  numEdges: number;
  /** Bytes of edge arrays (rowptr, col, edge time, edge id) per stored directed edge. */
  bytesPerEdge: number;
}

export class GraphStore {
  #handle: StoreHandle | null;
  readonly nodeTypes: readonly NodeTypeInfo[];
  readonly edgeTypes: readonly EdgeTypeInfo[];

  private constructor(handle: StoreHandle) {
    this.#handle = handle;
    const info: RawStoreInfo = callNative(() => native().storeInfo(handle));
    this.nodeTypes = Object.freeze(info.nodeTypes);
    this.edgeTypes = Object.freeze(info.edgeTypes);
  }

  /** Builds a store off the event loop. */
  static async build(spec: GraphSpec, options: BuildOptions = {}): Promise<GraphStore> {
    const raw = toRawInput(spec);
    return new GraphStore(
      await awaitNative(callNative(() => native().storeBuild(raw, options.threads))),
    );
  }

  /** Builds a store, blocking. */
  static buildSync(spec: GraphSpec, options: BuildOptions = {}): GraphStore {
    const raw = toRawInput(spec);
    return new GraphStore(callNative(() => native().storeBuildSync(raw, options.threads)));
  }

  /** Wraps the handle of a store built natively elsewhere (GraphStoreBuilder.finish). */
  static fromHandle(handle: StoreHandle): GraphStore {
    return new GraphStore(handle);
  }

  /**
   * Opens a saved store by memory-mapping its files: sizes are checked against the manifest,
   * rowptr and (unless `trusted`) every id against the counts.
   */
  static async open(dir: string, options: OpenOptions = {}): Promise<GraphStore> {
    // Not yet off the event loop: mapping takes milliseconds, the checks a sequential read.
    return GraphStore.openSync(dir, options);
  }

  /** Opens a saved store, blocking. */
  static openSync(dir: string, options: OpenOptions = {}): GraphStore {
    const manifest = readManifest(dir, FORMAT, VERSION);
    const layout = layoutOf(dir, manifest);
    const verify = options.verify === true;
    const checkIds = options.trusted !== true;
    const store = new GraphStore(callNative(() => native().storeOpenSync(layout, checkIds)));
    if (verify) {
      try {
        store.#verifyChecksums(manifest);
      } catch (err) {
        store.close();
        throw err;
      }
    }
    return store;
  }

  /** The native tagged handle, for other native domains (the sampler). */
  get handle(): StoreHandle {
    if (this.#handle === null) raise('STORE_CLOSED', { kind: 'graph store', operation: 'handle' });
    return this.#handle;
  }

  get closed(): boolean {
    return this.#handle === null;
  }

  nodeType(name: string): NodeTypeInfo {
    const t = this.nodeTypes.find((n) => n.name === name);
    if (t === undefined) {
      raise('STORE_UNKNOWN_NODE_TYPE', {
        detail: `nodeType: no node type named '${name}' (have ${this.nodeTypes.map((n) => n.name).join(', ')})`,
      });
    }
    return t;
  }

  edgeType(name: string): EdgeTypeInfo {
    const t = this.edgeTypes.find((e) => e.name === name);
    if (t === undefined) {
      raise('STORE_UNKNOWN_EDGE_TYPE', {
        detail: `edgeType: no edge type named '${name}' (have ${this.edgeTypes.map((e) => e.name).join(', ')})`,
      });
    }
    return t;
  }

  /** In-neighbors of `dst` under `edgeType`, in stored order (copied; for tests and tools). */
  neighbors(edgeType: string, dst: number): Neighbors {
    const h = this.handle;
    return callNative(() => native().storeNeighbors(h, edgeType, dst));
  }

  /** All arrays of one edge type (copied). */
  edgeArrays(edgeType: string): EdgeArrays {
    const h = this.handle;
    return callNative(() => native().storeEdgeArrays(h, edgeType));
  }

  /** Per-node times of a node type (copied), or null for a static type. */
  nodeTime(nodeType: string): BigInt64Array | null {
    const h = this.handle;
    return callNative(() => native().storeNodeTime(h, nodeType));
  }

  memory(): StoreMemory {
    const h = this.handle;
    const raw = callNative(() => native().storeMemory(h));
    const edgeTypes = raw.edgeTypes.map((e) => ({
      ...e,
      bytesPerEdge: e.numEdges === 0 ? 0 : e.bytes / e.numEdges,
    }));
    const edgeBytes = edgeTypes.reduce((s, e) => s + e.bytes, 0);
    const numEdges = edgeTypes.reduce((s, e) => s + e.numEdges, 0);
    return {
      edgeTypes,
      nodeTimeBytes: raw.nodeTimeBytes,
      totalBytes: edgeBytes + raw.nodeTimeBytes,
      numEdges,
      bytesPerEdge: numEdges === 0 ? 0 : edgeBytes / numEdges,
    };
  }

  /** Saves to a new directory `dir` (written beside it, then renamed). */
  async save(dir: string): Promise<void> {
    const h = this.handle;
    await writeDirectory(dir, async (tmp) => {
      const files = await awaitNative(callNative(() => native().storeSave(h, tmp)));
      writeManifest(tmp, this.#manifest(files));
    });
  }

  saveSync(dir: string): void {
    const h = this.handle;
    writeDirectorySync(dir, (tmp) => {
      const files = callNative(() => native().storeSaveSync(h, tmp));
      writeManifest(tmp, this.#manifest(files));
    });
  }

  /** Releases the native memory (or mappings) now; later calls throw STORE_CLOSED. */
  close(): void {
    if (this.#handle === null) return;
    const h = this.#handle;
    this.#handle = null;
    callNative(() => native().storeClose(h));
  }

  #manifest(files: RawStoreFile[]): Manifest {
    return {
      format: FORMAT,
      version: VERSION,
      nodeTypes: this.nodeTypes,
      edgeTypes: this.edgeTypes,
      files,
    };
  }

  #verifyChecksums(manifest: Manifest): void {
    const actual = callNative(() => native().storeChecksums(this.handle));
    for (const f of actual) {
      const expected = findFile(manifest, f.level, f.type, f.array);
      if (expected === undefined || expected.checksum !== f.checksum) {
        raise('STORE_CHECKSUM', {
          detail: `store file ${f.file}: checksum expected ${expected?.checksum ?? 'none'}, found ${f.checksum}`,
        });
      }
    }
  }
}

function layoutOf(dir: string, m: Manifest): RawStoreLayout {
  const bad = (detail: string): never =>
    raise('STORE_BAD_MANIFEST', { path: `${dir}/manifest.json`, detail });
  const nodes = m.nodeTypes as NodeTypeInfo[] | undefined;
  const edges = m.edgeTypes as EdgeTypeInfo[] | undefined;
  if (!Array.isArray(nodes) || !Array.isArray(edges)) bad('nodeTypes/edgeTypes missing');
  const file = (level: 'node' | 'edge', type: string, array: string, required: boolean) => {
    const f = findFile(m, level, type, array);
    if (f === undefined && required) bad(`no ${array} file for ${level} type ${type}`);
    return f === undefined ? null : f.file;
  };
  return {
    dir,
    nodeTypes: nodes!.map((n) => ({
      name: n.name,
      count: n.count,
      timeFile: n.hasTime ? file('node', n.name, 'time', true) : null,
    })),
    edgeTypes: edges!.map((e) => ({
      src: e.src,
      relation: e.relation,
      dst: e.dst,
      numEdges: e.numEdges,
      rowptrFile: file('edge', e.name, 'rowptr', true)!,
      colFile: file('edge', e.name, 'col', true)!,
      edgeTimeFile: e.hasEdgeTime ? file('edge', e.name, 'edgeTime', true) : null,
      edgeIdFile: e.hasEdgeId ? file('edge', e.name, 'edgeId', true) : null,
    })),
  };
}

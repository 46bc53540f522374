// Save and open: the round trip is exact; missing, truncated and corrupted files fail with codes.
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphStore } from '../../src/store/graph-store.js';
import type { GraphSpec } from '../../src/store/graph-def.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'prequel-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;
const freshDir = () => path.join(root, `s${serial++}`);

function spec(): GraphSpec {
  const n = 500;
  let x = 12345;
  const rnd = (m: number) => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % m;
  return {
    nodeTypes: [
      {
        name: 'customer',
        count: 40,
        time: BigInt64Array.from({ length: 40 }, () => BigInt(rnd(100))),
      },
      { name: 'product', count: 25 },
    ],
    edgeTypes: [
      {
        src: 'customer',
        relation: 'bought',
        dst: 'product',
        srcIds: Int32Array.from({ length: n }, () => rnd(40)),
        dstIds: Int32Array.from({ length: n }, () => rnd(25)),
        time: BigInt64Array.from({ length: n }, () => BigInt(rnd(50))),
        keepEdgeIds: true,
      },
      {
        src: 'product',
        relation: 'bought_by',
        dst: 'customer',
        srcIds: Int32Array.from({ length: n }, () => rnd(25)),
        dstIds: Int32Array.from({ length: n }, () => rnd(40)),
      },
    ],
  };
}

function snapshot(s: GraphStore) {
  return {
    nodeTypes: s.nodeTypes,
    edgeTypes: s.edgeTypes,
    arrays: s.edgeTypes.map((e) => s.edgeArrays(e.name)),
    times: s.nodeTypes.map((n) => s.nodeTime(n.name)),
    memory: s.memory(),
  };
}

function savedCopy(): string {
  const dir = freshDir();
  const store = GraphStore.buildSync(spec());
  try {
    store.saveSync(dir);
  } finally {
    store.close();
  }
  return dir;
}

function openError(dir: string, verify = false, trusted = false): unknown {
  try {
    GraphStore.openSync(dir, { verify, trusted }).close();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('graph store files', () => {
  it('opens exactly what was saved, twice at once, sync and async', async () => {
    const built = GraphStore.buildSync(spec());
    const dir = freshDir();
    try {
      await built.save(dir);
      const a = await GraphStore.open(dir, { verify: true });
      const b = GraphStore.openSync(dir);
      try {
        expect(snapshot(a)).toEqual(snapshot(built));
        expect(snapshot(b)).toEqual(snapshot(built));
      } finally {
        a.close();
        b.close();
      }
    } finally {
      built.close();
    }
  });

  it('refuses to overwrite an existing directory and leaves no temporary files', () => {
    const dir = savedCopy();
    const store = GraphStore.buildSync(spec());
    try {
      expect(() => store.saveSync(dir)).toThrow(expect.objectContaining({ code: 'STORE_EXISTS' }));
      expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('names a truncated file with expected and actual sizes', () => {
    const dir = savedCopy();
    truncateSync(path.join(dir, 'edge.0.col.bin'), 100);
    const err = openError(dir);
    expect(err).toMatchObject({ code: 'STORE_FILE_SIZE' });
    expect((err as Error).message).toContain('edge.0.col.bin');
    expect((err as Error).message).toContain('expected 2000 bytes, found 100');
  });

  it('names a missing file', () => {
    const dir = savedCopy();
    unlinkSync(path.join(dir, 'node.0.time.bin'));
    const err = openError(dir);
    expect(err).toMatchObject({ code: 'STORE_FILE_MISSING' });
    expect((err as Error).message).toContain('node.0.time.bin');
  });

  it('rejects an edited or unreadable manifest', () => {
    const dir = savedCopy();
    const file = path.join(dir, 'manifest.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"count": 40', '"count": 41'));
    expect(openError(dir)).toMatchObject({ code: 'STORE_BAD_MANIFEST' });
    writeFileSync(file, 'null');
    expect(openError(dir)).toMatchObject({ code: 'STORE_BAD_MANIFEST' });
    writeFileSync(file, text.slice(0, 50));
    expect(openError(dir)).toMatchObject({ code: 'STORE_BAD_MANIFEST' });
    unlinkSync(file);
    expect(openError(dir)).toMatchObject({ code: 'STORE_FILE_MISSING' });
    expect(openError(path.join(root, 'nowhere'))).toMatchObject({ code: 'STORE_FILE_MISSING' });
  });

  it('detects corrupted contents: rowptr and id ranges unless trusted, checksums with verify', () => {
    const dir = savedCopy();
    const rowptr = path.join(dir, 'edge.0.rowptr.bin');
    const bytes = readFileSync(rowptr);
    const bad = Buffer.from(bytes);
    bad.writeBigInt64LE(999n, 8 * 3);
    writeFileSync(rowptr, bad);
    expect(openError(dir)).toMatchObject({ code: 'STORE_BAD_ID' });
    writeFileSync(rowptr, bytes);

    const col = path.join(dir, 'edge.0.col.bin');
    const cols = readFileSync(col);
    const badCol = Buffer.from(cols);
    badCol.writeInt32LE(1 << 30, 4 * 7);
    writeFileSync(col, badCol);
    expect(openError(dir)).toMatchObject({ code: 'STORE_BAD_ID' });
    expect(openError(dir, false, true)).toBeUndefined();
    const swapped = Buffer.from(cols);
    swapped.writeInt32LE(cols.readInt32LE(0) === 0 ? 1 : 0, 0);
    writeFileSync(col, swapped);
    expect(openError(dir, true)).toMatchObject({ code: 'STORE_CHECKSUM' });
    expect(openError(dir, false)).toBeUndefined();
  });
});

// SPDX-License-Identifier: Apache-2.0
// The artifact store: immutable files addressed by the SHA-256 of their content. A file is
// written under tmp/, flushed, hashed and renamed into place, so a path handed out always names
// a complete file; a crash mid-write leaves only a temp file that the next open removes.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { rmSync } from 'node:fs';
import { open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { prequelError, raise } from '../errors/index.js';
import { workspaceLayout, type WorkspaceLayout } from './layout.js';

export interface ArtifactRef {
  /** Hex SHA-256 of the content. */
  hash: string;
  /** Path relative to the workspace root, e.g. artifacts/sha256/ab/ab12... */
  path: string;
  bytes: number;
}

const HASH_PATTERN = /^[0-9a-f]{64}$/;
const TEMP_PREFIX = 'artifact-';

export class ArtifactStore {
  readonly layout: WorkspaceLayout;

  constructor(root: string) {
    this.layout = workspaceLayout(root);
    mkdirSync(this.layout.tmp, { recursive: true });
  }

  /** Relative path of the artifact with `hash`. */
  pathOf(hash: string): string {
    if (!HASH_PATTERN.test(hash)) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: 'hash',
        expected: '64 hex digits',
        received: hash,
      });
    }
    return join('artifacts', 'sha256', hash.slice(0, 2), hash);
  }

  /** Absolute path of the artifact with `hash`; fails if it is missing. */
  resolveSync(hash: string): string {
    const abs = join(this.layout.root, this.pathOf(hash));
    if (!existsSync(abs)) raise('CONTROL_ARTIFACT_MISSING', { hash, path: abs });
    return abs;
  }

  /** Stores bytes and returns their reference. */
  async put(data: Uint8Array | string): Promise<ArtifactRef> {
    return this.putFile((tmpPath) => writeFile(tmpPath, data, { flag: 'wx' }));
  }

  /**
   * Stores a stream and returns its reference; on a stream error, or once more than `maxBytes`
   * arrive (CONTROL_BODY_TOO_LARGE naming `limitSetting`), nothing is stored.
   */
  async putStream(
    source: Readable,
    options: { maxBytes?: number; limitSetting?: string } = {},
  ): Promise<ArtifactRef> {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    let bytes = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          done(
            prequelError('CONTROL_BODY_TOO_LARGE', {
              limit: maxBytes,
              setting: options.limitSetting ?? 'maxBytes',
            }),
          );
        } else done(null, chunk);
      },
    });
    return this.putFile((tmpPath) =>
      pipeline(source, limiter, createWriteStream(tmpPath, { flags: 'wx' })),
    );
  }

  /**
   * Stores the file that `writeTo(tmpPath)` writes (for writers that want a path, such as a
   * checkpoint or Parquet writer). The file is flushed and hashed once `writeTo` resolves; if it
   * rejects, the temp file is removed and nothing is stored.
   */
  async putFile(writeTo: (tmpPath: string) => Promise<void>): Promise<ArtifactRef> {
    const tmp = join(
      this.layout.tmp,
      `${TEMP_PREFIX}${process.pid}-${randomBytes(8).toString('hex')}`,
    );
    try {
      await writeTo(tmp);
      const handle = await open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const hasher = createHash('sha256');
      await pipeline(createReadStream(tmp), hasher);
      const hash = hasher.digest('hex');
      const { size } = await stat(tmp);
      const path = this.pathOf(hash);
      const abs = join(this.layout.root, path);
      mkdirSync(join(abs, '..'), { recursive: true });
      // Same content, same name: renaming over an existing copy changes nothing.
      await rename(tmp, abs);
      return { hash, path, bytes: size };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Removes temp files whose writing process is gone; returns how many were removed. */
  removeStaleTempFilesSync(): number {
    let removed = 0;
    for (const entry of readdirSync(this.layout.tmp, { withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.startsWith(TEMP_PREFIX)) continue;
      const pid = Number(entry.name.slice(TEMP_PREFIX.length).split('-')[0]);
      if (isProcessAlive(pid)) continue;
      rmSync(join(this.layout.tmp, entry.name), { force: true });
      removed++;
    }
    return removed;
  }
}

/** True when a process with `pid` exists on this machine. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

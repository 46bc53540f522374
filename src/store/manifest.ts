// SPDX-License-Identifier: Apache-2.0
// The JSON manifest of a saved store directory: format and version, the types with their counts
// and every array file with its level (node type or edge type), size and checksum, plus a
// checksum of the manifest itself. Writing goes to a temporary directory renamed when complete.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { raise } from '../errors/index.js';

export const MANIFEST_FILE = 'manifest.json';

/** One array file: which type it belongs to, at which level, and its size and checksum. */
export interface ManifestFile {
  file: string;
  level: 'node' | 'edge';
  type: string;
  array: string;
  bytes: number;
  checksum: string;
}

export interface Manifest {
  format: string;
  version: number;
  files: ManifestFile[];
  [key: string]: unknown;
}

function digest(body: Omit<Manifest, 'checksum'>): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/** Writes `body` as dir/manifest.json with its checksum appended. */
export function writeManifest(dir: string, body: Manifest): void {
  const full = { ...body, checksum: digest(body) };
  writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(full, null, 1) + '\n');
}

/** Reads and checks dir/manifest.json (format, version, checksum); throws STORE_BAD_MANIFEST. */
export function readManifest(dir: string, format: string, version: number): Manifest {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return raise('STORE_FILE_MISSING', {
      detail: `cannot read ${file}: ${(err as Error).message}`,
    });
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    return raise('STORE_BAD_MANIFEST', { path: file, detail: (err as Error).message });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    raise('STORE_BAD_MANIFEST', { path: file, detail: 'expected a JSON object' });
  }
  const { checksum, ...body } = parsed;
  if (body.format !== format || body.version !== version) {
    raise('STORE_BAD_MANIFEST', {
      path: file,
      detail: `expected format ${format} version ${version}, got ${String(body.format)} version ${String(body.version)}`,
    });
  }
  const actual = digest(body as Manifest);
  if (checksum !== actual) {
    raise('STORE_BAD_MANIFEST', {
      path: file,
      detail: `checksum mismatch: expected ${String(checksum)}, computed ${actual} (edited or corrupted)`,
    });
  }
  if (!Array.isArray(body.files)) {
    raise('STORE_BAD_MANIFEST', { path: file, detail: 'files: expected an array' });
  }
  return body as Manifest;
}

/**
 * Runs `write(tmp)` on a fresh temporary directory beside `dir`, then renames it to `dir`; on
 * failure the temporary directory is removed. Throws STORE_EXISTS when `dir` exists.
 */
export async function writeDirectory(
  dir: string,
  write: (tmp: string) => Promise<void> | void,
): Promise<void> {
  if (existsSync(dir)) raise('STORE_EXISTS', { path: dir });
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await write(tmp);
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Synchronous twin of writeDirectory. */
export function writeDirectorySync(dir: string, write: (tmp: string) => void): void {
  if (existsSync(dir)) raise('STORE_EXISTS', { path: dir });
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    write(tmp);
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** The file entry for (level, type, array), or undefined. */
export function findFile(
  m: Manifest,
  level: 'node' | 'edge',
  type: string,
  array: string,
): ManifestFile | undefined {
  return m.files.find((f) => f.level === level && f.type === type && f.array === array);
}

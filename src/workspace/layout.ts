// SPDX-License-Identifier: Apache-2.0
// The workspace directory: a marker file, the metadata database and the artifact store.
//
//   <root>/prequel-workspace.json   marker: format version, id, name, creation time
//   <root>/metadata.sqlite          SQLite metadata (WAL mode: -wal and -shm beside it)
//   <root>/artifacts/sha256/ab/<hash>  immutable files named by the SHA-256 of their bytes
//   <root>/tmp/                     files being written; renamed into artifacts/ when complete
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { raise } from '../errors/index.js';

export const WORKSPACE_FORMAT = 1;
export const MARKER_FILE = 'prequel-workspace.json';

export interface WorkspaceLayout {
  root: string;
  marker: string;
  metadata: string;
  artifacts: string;
  tmp: string;
}

export interface WorkspaceMarker {
  format: number;
  id: string;
  name: string;
  createdAt: string;
}

/** Returns the paths of a workspace rooted at `root` (resolved to an absolute path). */
export function workspaceLayout(root: string): WorkspaceLayout {
  const abs = resolve(root);
  return {
    root: abs,
    marker: join(abs, MARKER_FILE),
    metadata: join(abs, 'metadata.sqlite'),
    artifacts: join(abs, 'artifacts'),
    tmp: join(abs, 'tmp'),
  };
}

/** Creates a workspace directory; fails if one already exists there. */
export function createWorkspaceSync(root: string, name?: string): WorkspaceMarker {
  const layout = workspaceLayout(root);
  if (existsSync(layout.marker)) raise('CONTROL_WORKSPACE_EXISTS', { path: layout.root });
  mkdirSync(layout.artifacts, { recursive: true });
  mkdirSync(layout.tmp, { recursive: true });
  const marker: WorkspaceMarker = {
    format: WORKSPACE_FORMAT,
    id: randomUUID(),
    name: name ?? 'default',
    createdAt: new Date().toISOString(),
  };
  const tmp = join(layout.tmp, `${MARKER_FILE}.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(marker, null, 2) + '\n');
  renameSync(tmp, layout.marker);
  return marker;
}

/** Reads the marker of an existing workspace, checking its format. */
export function readWorkspaceSync(root: string): WorkspaceMarker {
  const layout = workspaceLayout(root);
  if (!existsSync(layout.marker)) raise('CONTROL_WORKSPACE_NOT_FOUND', { path: layout.root });
  let marker: WorkspaceMarker;
  try {
    marker = JSON.parse(readFileSync(layout.marker, 'utf8')) as WorkspaceMarker;
  } catch (err) {
    return raise('CONTROL_WORKSPACE_INVALID', { path: layout.root, reason: String(err) }, err);
  }
  if (marker.format !== WORKSPACE_FORMAT || typeof marker.id !== 'string') {
    raise('CONTROL_WORKSPACE_INVALID', {
      path: layout.root,
      reason: `marker format ${String(marker.format)} is not ${WORKSPACE_FORMAT}`,
    });
  }
  mkdirSync(layout.artifacts, { recursive: true });
  mkdirSync(layout.tmp, { recursive: true });
  return marker;
}

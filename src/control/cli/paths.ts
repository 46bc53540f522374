// SPDX-License-Identifier: Apache-2.0
// Directories the CLI writes to (a workspace, the demo directory, a graph file's directory),
// checked before use so a path under a regular file or a directory that cannot be written is one
// coded error naming the path and what is wrong (CONTROL_PATH_UNUSABLE), not a bare ENOTDIR or
// EACCES from deep inside the workspace code. Errors the check cannot foresee (a file system
// that refuses the write) are translated the same way where the directory is created.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { prequelError, raise } from '../../errors/index.js';

/** What the operating system's error codes mean, for messages. */
const SYSTEM_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space is left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'the path has a loop of symbolic links',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
};

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Why `dir` cannot be a directory the CLI writes into (created when missing), or null when it
 * can as far as can be told beforehand: the path or a parent is a regular file, or the nearest
 * existing directory cannot be written (`writable` false skips that check, for commands that
 * only read an existing directory).
 */
export function directoryProblem(dir: string, writable: boolean): string | null {
  const abs = resolve(dir);
  for (let p = abs; ; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return `${p} is a file, not a directory`;
    } catch (err) {
      const code = codeOf(err);
      // Missing, or under a file (ENOTDIR): the parent says more.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(p) !== p) continue;
      return `${p}: ${SYSTEM_REASONS[code ?? ''] ?? 'cannot be read'} (${code ?? 'unknown'})`;
    }
    if (!writable) return null;
    try {
      accessSync(p, constants.W_OK);
    } catch (err) {
      return `${p} is not writable (${codeOf(err) ?? 'unknown'})`;
    }
    return null;
  }
}

/** Raises CONTROL_PATH_UNUSABLE when `dir` cannot serve as `what` (see directoryProblem). */
export function checkDirectory(dir: string, what: string, writable = true): void {
  const reason = directoryProblem(dir, writable);
  if (reason !== null) raise('CONTROL_PATH_UNUSABLE', { path: resolve(dir), what, reason });
}

/**
 * Raises CONTROL_PATH_UNUSABLE when `file` cannot be written as `what`: its directory must
 * already exist and be writable (it is not created), and `file` must not be a directory. Checked
 * before the work whose result goes there.
 */
export function checkOutputFile(file: string, what: string): void {
  const abs = resolve(file);
  const dir = dirname(abs);
  let reason: string | null = null;
  try {
    if (statSync(abs).isDirectory()) reason = `${abs} is a directory`;
  } catch {
    // Missing: its directory says whether it can be created.
  }
  if (reason === null) {
    try {
      if (!statSync(dir).isDirectory()) reason = `${dir} is a file, not a directory`;
    } catch (err) {
      const code = codeOf(err);
      // A regular file on the way is named as such; else the directory is missing.
      reason =
        directoryProblem(dir, false) ??
        (code === 'ENOENT'
          ? `its directory ${dir} does not exist; create it first or give a path in an existing directory`
          : `${dir}: ${SYSTEM_REASONS[code ?? ''] ?? 'cannot be read'} (${code ?? 'unknown'})`);
    }
  }
  reason ??= directoryProblem(dir, true);
  if (reason !== null) raise('CONTROL_PATH_UNUSABLE', { path: abs, what, reason });
}

/**
 * Runs `fn`, which creates or opens `dir`; an operating-system error about the path becomes
 * CONTROL_PATH_UNUSABLE naming it. Other errors pass unchanged.
 */
export async function translatingPathErrors<T>(
  dir: string,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = codeOf(err);
    const reason = code === undefined ? undefined : SYSTEM_REASONS[code];
    if (reason === undefined) throw err;
    const at = (err as { path?: unknown }).path;
    const detail =
      directoryProblem(dir, false) ?? `${typeof at === 'string' ? at : dir}: ${reason} (${code})`;
    throw prequelError('CONTROL_PATH_UNUSABLE', { path: resolve(dir), what, reason: detail }, err);
  }
}

// The CLI's exit codes for errors the user can fix: operating-system errors (a port in use, a
// workspace path under a file) and invalid option values are user errors (exit 1) with a short
// message, never an internal error with a stack trace (exit 2).
import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT_USER_ERROR, main } from '../../src/control/cli/main.js';
import { tempDir } from './helpers.js';

let stderr: string;
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('CLI user errors', () => {
  it('init under a path that is a file exits 1 naming the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'afile');
    writeFileSync(file, 'x');
    expect(await main(['node', 'prequel', 'init', path.join(file, 'ws')])).toBe(EXIT_USER_ERROR);
    expect(stderr).toMatch(/^error \[CONTROL_PATH_UNUSABLE\]/);
    expect(stderr).toContain(`${file} is a file, not a directory`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('serve on a port in use exits 1 naming EADDRINUSE', async () => {
    const dir = tempDir();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      expect(await main(['node', 'prequel', 'init', dir])).toBe(0);
      const code = await main(['node', 'prequel', 'serve', '-w', dir, '--port', String(port)]);
      expect(code).toBe(EXIT_USER_ERROR);
      expect(stderr).toMatch(/error \[EADDRINUSE\]/);
    } finally {
      blocker.close();
    }
  });

  it('rejects an unknown log level before starting', async () => {
    const dir = tempDir();
    const code = await main(['node', 'prequel', 'serve', '-w', dir, '--log-level', 'bogus']);
    expect(code).toBe(EXIT_USER_ERROR);
    expect(stderr).toMatch(/Allowed choices are fatal, error, warn, info, debug, trace, silent/);
  });
});

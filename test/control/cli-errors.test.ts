// The CLI's exit codes for errors the user can fix: operating-system errors (a port in use, a
// workspace path under a file) and invalid option values are user errors (exit 1) with a short
// message, never an internal error with a stack trace (exit 2).
import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_USER_ERROR } from '../../src/control/cli/main.js';
import { captureCli, tempDir } from './helpers.js';

const cli = captureCli();

describe('CLI user errors', () => {
  it('init under a path that is a file exits 1 naming the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'afile');
    writeFileSync(file, 'x');
    expect(await cli.run('init', path.join(file, 'ws'))).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toMatch(/^error \[CONTROL_PATH_UNUSABLE\]/);
    expect(cli.stderr).toContain(`${file} is a file, not a directory`);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });

  it('serve on a port in use exits 1 with CONTROL_PORT_IN_USE naming the port and --port', async () => {
    const dir = tempDir();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      expect(await cli.run('init', dir)).toBe(0);
      const code = await cli.run('serve', '-w', dir, '--port', String(port));
      expect(code).toBe(EXIT_USER_ERROR);
      expect(cli.stderr).toContain(
        `error [CONTROL_PORT_IN_USE]: port ${port} on 127.0.0.1 is already in use`,
      );
      expect(cli.stderr).toContain('give another --port (0 picks a free one)');
      expect(cli.stderr).not.toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it.each(['65536', '99999'])('serve --port %s exits 1 with CONTROL_PORT_INVALID', async (port) => {
    const dir = tempDir();
    expect(await cli.run('init', dir)).toBe(0);
    const code = await cli.run('serve', '-w', dir, '--port', port);
    expect(code).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toBe(
      `error [CONTROL_PORT_INVALID]: --port ${port} is not a TCP port: give 1 to 65535, or 0 to ` +
        'have a free port picked\n',
    );
  });

  it('serve on an address this machine does not have exits 1 with CONTROL_LISTEN_FAILED', async () => {
    const dir = tempDir();
    expect(await cli.run('init', dir)).toBe(0);
    const args = ['serve', '-w', dir, '--port', '0', '--host', '192.0.2.1'];
    expect(await cli.run(...args)).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain(
      'error [CONTROL_LISTEN_FAILED]: cannot listen on 192.0.2.1 port 0',
    );
    expect(cli.stderr).toContain('give a --host it has');
  });

  it('rejects an unknown log level before starting', async () => {
    const dir = tempDir();
    const code = await cli.run('serve', '-w', dir, '--log-level', 'bogus');
    expect(code).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toMatch(
      /Allowed choices are fatal, error, warn, info, debug, trace, silent/,
    );
  });
});

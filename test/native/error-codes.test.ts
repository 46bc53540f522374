// Every error code the native core can throw is declared in the TypeScript registry.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors/index.js';
import { packageRoot } from '../../src/native/index.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(cc|h)$/.test(name) ? [full] : [];
  });
}

describe('native error codes', () => {
  it('are all declared in the registry', () => {
    const codes = new Set<string>();
    for (const file of sources(path.join(packageRoot, 'native'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:Fail|CodedError)\(\s*"([A-Z0-9_]+)"/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(0);
    const missing = [...codes].filter((c) => !(c in ERRORS));
    expect(missing).toEqual([]);
  });
});

// SPDX-License-Identifier: Apache-2.0
// API tokens: 32 random bytes shown once at creation; only their SHA-256 is stored. A token has
// 256 bits of entropy, so a fast hash is enough (no password stretching needed).
import { createHash, randomBytes } from 'node:crypto';
import { raise } from '../../errors/index.js';
import type { Db } from './database.js';
import { idString, nowIso, parseId } from './ids.js';

export interface TokenRecord {
  id: string;
  name: string;
  /** The first characters of the token, to recognise it in a list. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface TokenRow {
  id: bigint;
  name: string;
  hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

const TOKEN_PREFIX = 'pq_';
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
// last_used_at is written at most this often per token, so busy clients do not write per request.
const TOUCH_INTERVAL_MS = 60_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toRecord(row: TokenRow): TokenRecord {
  return {
    id: idString(row.id),
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export class TokenRepo {
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /** Creates a token; the secret is returned here and never again. */
  create(name: string): { token: string; record: TokenRecord } {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: 'token name',
        expected: 'up to 64 letters, digits, _ . @ or -',
        received: name,
      });
    }
    if (this.findRow(name) !== undefined) raise('CONTROL_TOKEN_EXISTS', { name });
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row = this.db
      .prepare<unknown[], TokenRow>(
        `INSERT INTO api_tokens (name, hash, prefix, created_at) VALUES (?, ?, ?, ?) RETURNING *`,
      )
      .get(name, hashToken(token), token.slice(0, TOKEN_PREFIX.length + 6), nowIso());
    return { token, record: toRecord(row as TokenRow) };
  }

  list(): TokenRecord[] {
    return this.db
      .prepare<unknown[], TokenRow>('SELECT * FROM api_tokens ORDER BY id')
      .all()
      .map(toRecord);
  }

  /** Deletes a token by id or name. */
  revoke(idOrName: string): TokenRecord {
    const row = this.findRow(idOrName) ?? raise('CONTROL_TOKEN_NOT_FOUND', { token: idOrName });
    this.db.prepare('DELETE FROM api_tokens WHERE id = ?').run(row.id);
    return toRecord(row);
  }

  /** The token's record when `token` is a live token, else null; records its use. */
  verify(token: string): TokenRecord | null {
    if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX) || token.length > 128) {
      return null;
    }
    const hash = hashToken(token);
    const row = this.db
      .prepare<unknown[], TokenRow>('SELECT * FROM api_tokens WHERE hash = ?')
      .get(hash);
    if (row === undefined) return null;
    const now = Date.now();
    if (now - (this.touched.get(hash) ?? 0) >= TOUCH_INTERVAL_MS) {
      this.touched.set(hash, now);
      row.last_used_at = new Date(now).toISOString();
      this.db
        .prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?')
        .run(row.last_used_at, row.id);
    }
    return toRecord(row);
  }

  private findRow(idOrName: string): TokenRow | undefined {
    const byName = this.db
      .prepare<unknown[], TokenRow>('SELECT * FROM api_tokens WHERE name = ?')
      .get(idOrName);
    if (byName !== undefined) return byName;
    const id = parseId(idOrName);
    return id === null
      ? undefined
      : this.db.prepare<unknown[], TokenRow>('SELECT * FROM api_tokens WHERE id = ?').get(id);
  }
}

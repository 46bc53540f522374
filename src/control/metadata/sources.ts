// SPDX-License-Identifier: Apache-2.0
// Data sources: connection settings plus secrets held only as references (an environment
// variable or a key file path), never as values.
import { readFileSync } from 'node:fs';
import { raise } from '../../errors/index.js';
import type { Db } from './database.js';
import { idString, nowIso, parseId } from './ids.js';

export const SOURCE_KINDS = ['duckdb', 'snowflake'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
/** A setting's value: a scalar, or a list of strings (e.g. a DuckDB source's nullStrings). */
export type SettingValue = string | number | boolean | null | string[];
export type SecretRef = { env: string } | { keyFile: string };

export interface SourceInput {
  name: string;
  kind: SourceKind;
  settings?: Record<string, SettingValue>;
  secrets?: Record<string, SecretRef>;
}

export interface SourceRecord {
  id: string;
  name: string;
  kind: SourceKind;
  settings: Record<string, SettingValue>;
  secrets: Record<string, SecretRef>;
  createdAt: string;
  updatedAt: string;
}

interface SourceRow {
  id: bigint;
  name: string;
  kind: SourceKind;
  settings: string;
  secrets: string;
  created_at: string;
  updated_at: string;
}

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const ENV_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
// Setting names that carry credentials; their values must arrive as secret references.
const SECRET_NAME =
  /pass(word|wd|phrase)?|secret|token|credential|private.?key|api.?key|access.?key/i;
// A URL with a password in it, e.g. postgres://user:pw@host.
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^@\s/]+@/i;

/** Checks a source definition; plain secrets fail with CONTROL_PLAIN_SECRET. */
export function validateSourceInput(input: SourceInput): void {
  if (typeof input.name !== 'string' || !NAME_PATTERN.test(input.name)) {
    raise('CONTROL_INVALID_ARGUMENT', {
      name: 'name',
      expected: 'a letter followed by up to 63 letters, digits, _ . or -',
      received: input.name,
    });
  }
  if (!SOURCE_KINDS.includes(input.kind)) {
    raise('CONTROL_INVALID_ARGUMENT', {
      name: 'kind',
      expected: `one of ${SOURCE_KINDS.join(', ')}`,
      received: input.kind,
    });
  }
  for (const [field, value] of Object.entries(input.settings ?? {})) {
    const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    const strings = Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (!scalar && !strings) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: `settings.${field}`,
        expected: 'a string, number, boolean, null or a list of strings',
        received: value,
      });
    }
    const plain = value !== null && value !== '' && SECRET_NAME.test(field);
    const texts = strings ? (value as string[]) : typeof value === 'string' ? [value] : [];
    if (plain || texts.some((v) => URL_WITH_PASSWORD.test(v))) {
      raise('CONTROL_PLAIN_SECRET', { field: `settings.${field}` });
    }
  }
  for (const [field, ref] of Object.entries(input.secrets ?? {})) validateSecretRef(field, ref);
}

function validateSecretRef(field: string, ref: SecretRef): void {
  const keys = ref !== null && typeof ref === 'object' ? Object.keys(ref) : [];
  const r = ref as Record<string, unknown>;
  const envOk = keys.length === 1 && typeof r.env === 'string' && ENV_PATTERN.test(r.env);
  const fileOk = keys.length === 1 && typeof r.keyFile === 'string' && r.keyFile.length > 0;
  if (!envOk && !fileOk) {
    // The received value is not echoed: a caller who put a secret here must not see it logged.
    raise('CONTROL_SECRET_REF_INVALID', { field, received: `an object with keys [${keys}]` });
  }
}

/** Reads the secrets of a source from the environment and key files, at the moment of use. */
export function resolveSecretsSync(
  source: SourceRecord,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [field, ref] of Object.entries(source.secrets)) {
    if ('env' in ref) {
      const value = env[ref.env];
      if (value === undefined) {
        raise('CONTROL_SECRET_UNRESOLVED', {
          field,
          reference: `environment variable ${ref.env}`,
          reason: 'it is not set',
        });
      }
      values[field] = value;
    } else {
      try {
        values[field] = readFileSync(ref.keyFile, 'utf8');
      } catch (err) {
        raise('CONTROL_SECRET_UNRESOLVED', {
          field,
          reference: `key file ${ref.keyFile}`,
          reason: (err as NodeJS.ErrnoException).code ?? String(err),
        });
      }
    }
  }
  return values;
}

function toRecord(row: SourceRow): SourceRecord {
  return {
    id: idString(row.id),
    name: row.name,
    kind: row.kind,
    settings: JSON.parse(row.settings) as Record<string, SettingValue>,
    secrets: JSON.parse(row.secrets) as Record<string, SecretRef>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class SourceRepo {
  constructor(
    private readonly db: Db,
    private readonly workspaceId: bigint,
  ) {}

  /** Registers a source; names are unique within the workspace. */
  create(input: SourceInput): SourceRecord {
    validateSourceInput(input);
    if (this.find(input.name) !== null) raise('CONTROL_SOURCE_EXISTS', { name: input.name });
    const now = nowIso();
    const row = this.db
      .prepare<unknown[], SourceRow>(
        `INSERT INTO data_sources
           (workspace_id, name, kind, settings, secrets, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        this.workspaceId,
        input.name,
        input.kind,
        JSON.stringify(input.settings ?? {}),
        JSON.stringify(input.secrets ?? {}),
        now,
        now,
      );
    return toRecord(row as SourceRow);
  }

  list(): SourceRecord[] {
    return this.db
      .prepare<unknown[], SourceRow>(
        'SELECT * FROM data_sources WHERE workspace_id = ? ORDER BY id',
      )
      .all(this.workspaceId)
      .map(toRecord);
  }

  /** Finds a source by id (digits) or name; null when there is none. */
  find(idOrName: string): SourceRecord | null {
    const id = /^[0-9]+$/.test(idOrName) ? parseId(idOrName) : null;
    const row =
      id !== null
        ? this.db
            .prepare<unknown[], SourceRow>(
              'SELECT * FROM data_sources WHERE workspace_id = ? AND id = ?',
            )
            .get(this.workspaceId, id)
        : this.db
            .prepare<unknown[], SourceRow>(
              'SELECT * FROM data_sources WHERE workspace_id = ? AND name = ?',
            )
            .get(this.workspaceId, idOrName);
    return row === undefined ? null : toRecord(row);
  }

  /** Like find, but a missing source is CONTROL_SOURCE_NOT_FOUND naming the registered ones. */
  get(idOrName: string): SourceRecord {
    const found = this.find(idOrName);
    if (found !== null) return found;
    const registered = this.list().map((s) => s.name);
    const hint =
      registered.length === 0
        ? 'no source is registered yet: `prequel train --data <dir>` registers one, as does ' +
          'POST /sources'
        : `registered: ${registered.slice(0, 10).join(', ')}` +
          (registered.length > 10
            ? `, ... (${registered.length} in all: \`prequel sources\`)`
            : '');
    return raise('CONTROL_SOURCE_NOT_FOUND', { source: idOrName, registered, hint });
  }
}

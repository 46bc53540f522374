// SPDX-License-Identifier: Apache-2.0
// The JSON schemas of a graph definition and of the graph file, declared once: the REST API
// serves and checks them (TypeBox, src/control/api/schemas.ts), and graph files and library
// overrides are checked against them here, so a property the API refuses is refused in a file
// too. The checker below covers the keywords these schemas use and says what was wrong the way
// a user reads it: the JSON path, the unknown property and the names it is likely a typo of,
// the values a field allows.
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { EPOCH_UNITS } from './graph-def.js';
import { nearestNames } from '../text/nearest.js';

/**
 * `schema` or null. Scalars use a type list (`["string", "null"]`) so neither request coercion
 * nor the serializer turns null into "" or a string into null.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const type = (schema as { type?: unknown }).type;
  if (typeof type === 'string' && type !== 'object' && type !== 'array') {
    return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([Type.Null(), schema]));
}

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const ColumnDefSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    physical: literals([
      'int',
      'bigint',
      'float',
      'decimal',
      'boolean',
      'string',
      'date',
      'timestamp',
      'list',
      'other',
    ]),
    stype: literals([
      'numerical',
      'categorical',
      'multicategorical',
      'text',
      'timestamp',
      'id',
      'embedding',
    ]),
  },
  { additionalProperties: false },
);

export const DerivedTimeSchema = Type.Union(
  [
    Type.Object(
      {
        from: Type.Literal('columns'),
        date: Type.String(),
        timeOfDay: Type.String(),
        offsetSeconds: Type.Optional(Type.Integer()),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        from: Type.Literal('parent'),
        foreignKey: Type.String(),
        offsetSeconds: Type.Optional(Type.Integer()),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'a computed time column (see the graph file format)' },
);

export const TimeUnitSchema = Type.Union(
  EPOCH_UNITS.map((u) => Type.Literal(u)),
  { description: 'unit of an integer time column since the Unix epoch' },
);

const ForeignKeySchema = Type.Object(
  { column: Type.String(), references: Type.String() },
  { additionalProperties: false },
);

export const TableDefSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    primaryKey: Nullable(Type.String()),
    foreignKeys: Type.Array(ForeignKeySchema),
    timeColumn: Nullable(Type.String()),
    timeUnit: Type.Optional(TimeUnitSchema),
    endTimeColumn: Nullable(Type.String()),
    columns: Type.Array(ColumnDefSchema),
    rowCount: Type.Optional(Type.Integer({ minimum: 0 })),
    source: Type.Optional(Type.String({ description: 'source table, when named otherwise' })),
    derivedTime: Type.Optional(DerivedTimeSchema),
  },
  { additionalProperties: false },
);

export const GraphDefSchema = Type.Object(
  { version: Type.Literal(1), tables: Type.Array(TableDefSchema) },
  { additionalProperties: false },
);

// A graph override (the graph file format without its data location): per table, the fields
// given replace the inferred ones; `columns` change semantic types; `drop` removes columns. The
// `rowCount` and column `physical` that `prequel inspect` writes are accepted and not used.
export const TableOverrideSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    source: Type.Optional(Type.String()),
    primaryKey: Type.Optional(Nullable(Type.String())),
    foreignKeys: Type.Optional(Type.Array(ForeignKeySchema)),
    timeColumn: Type.Optional(Nullable(Type.String())),
    timeUnit: Type.Optional(Type.Union([TimeUnitSchema, Type.Null()])),
    endTimeColumn: Type.Optional(Nullable(Type.String())),
    derivedTime: Type.Optional(Type.Union([Type.Null(), DerivedTimeSchema])),
    columns: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1 }),
            stype: ColumnDefSchema.properties.stype,
            physical: Type.Optional(ColumnDefSchema.properties.physical),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    drop: Type.Optional(Type.Array(Type.String())),
    rowCount: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

const overrideProperties = {
  version: Type.Optional(Type.Literal(1)),
  onlyListed: Type.Optional(Type.Boolean()),
  tables: Type.Optional(Type.Array(TableOverrideSchema)),
};

export const GraphOverrideSchema = Type.Object(overrideProperties, {
  additionalProperties: false,
});

/** Where the data lives, as `prequel inspect` records it (see DataLocation). */
export const DataLocationSchema = Type.Object(
  {
    path: Type.String({ minLength: 1 }),
    files: Type.Optional(
      Type.Object(
        {
          delimiter: Type.Optional(Type.String()),
          header: Type.Optional(Type.Boolean()),
          nullStrings: Type.Optional(Type.Array(Type.String())),
          encoding: Type.Optional(literals(['utf-8', 'latin-1', 'utf-16'])),
          quote: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A graph file: an override plus, optionally, where its data lives. */
export const GraphFileSchema = Type.Object(
  { ...overrideProperties, data: Type.Optional(DataLocationSchema) },
  { additionalProperties: false },
);

/** The first thing wrong with a value, as `checkSchema` finds it. */
export interface SchemaProblem {
  /** JSON pointer of the offending value ('' for the whole document). */
  pointer: string;
  /** What is wrong, e.g. `must be one of "s", "ms"`, for a value at `pointer`. */
  reason: string;
  /** Set when the problem is a property the schema does not have. */
  unknown?: { property: string; allowed: string[]; suggestions: string[] };
}

interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minLength?: number;
  minimum?: number;
  description?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    default:
      return isObject(value);
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
  array: 'a list',
  object: 'an object',
};

/** The alternatives of a schema, nested unions flattened (a nullable union is one). */
function branchesOf(schema: JsonSchema): JsonSchema[] {
  return schema.anyOf === undefined ? [schema] : schema.anyOf.flatMap(branchesOf);
}

const orList = (parts: string[]) =>
  parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;

/** What a schema allows, in words: `one of "s", "ms", "us", "ns" or null`, `a string or null`. */
function describe(schema: JsonSchema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.anyOf !== undefined) {
    const branches = branchesOf(schema);
    const values = branches.filter((b) => 'const' in b || b.type === 'null');
    if (values.length === branches.length) {
      const listed = values.map((b) => ('const' in b ? JSON.stringify(b.const) : 'null'));
      return `one of ${orList(listed)}`;
    }
    const objects = branches.filter((b) => b.type === 'object');
    const parts = branches.filter((b) => b.type !== 'object').map(describe);
    if (objects.length > 0) {
      const fixed = objects.flatMap((o) =>
        Object.entries(o.properties ?? {}).filter(([, p]) => 'const' in p),
      );
      const named = fixed.map(([key, p]) => `{"${key}": ${JSON.stringify(p.const)}, ...}`);
      parts.push(named.length === objects.length ? orList(named) : 'an object');
    }
    return orList([...new Set(parts)]);
  }
  const types = [schema.type ?? []].flat();
  return orList(types.map((t) => TYPE_WORDS[t] ?? t));
}

/** Whether the `const` properties of an object schema (e.g. `from`) all match `value`. */
function discriminated(schema: JsonSchema, value: unknown): boolean {
  if (!isObject(value) || schema.properties === undefined) return false;
  const fixed = Object.entries(schema.properties).filter(([, s]) => 'const' in s);
  return fixed.length > 0 && fixed.every(([key, s]) => value[key] === s.const);
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/**
 * The first problem of `value` against `schema` (one built above), depth first: at each object,
 * unknown properties, then missing ones, then each property's value. Properties whose value is
 * `undefined` count as absent (a library caller's object). Null when the value conforms.
 */
export function checkSchema(schema: TSchema, value: unknown, pointer = ''): SchemaProblem | null {
  const s = schema as JsonSchema;
  if (s.anyOf !== undefined) {
    const branches = branchesOf(s);
    const problems = branches.map((branch) => checkSchema(branch as TSchema, value, pointer));
    if (problems.some((p) => p === null)) return null;
    // An object naming its variant (`"from": "parent"`) is checked against that variant.
    const meant = branches.findIndex((branch) => discriminated(branch, value));
    if (meant >= 0) return problems[meant];
    return { pointer, reason: `must be ${describe(s)}; it is ${shown(value)}` };
  }
  if ('const' in s) {
    return value === s.const
      ? null
      : { pointer, reason: `must be ${describe(s)}; it is ${shown(value)}` };
  }
  const types = [s.type ?? []].flat();
  if (types.length > 0 && !types.some((t) => hasType(value, t))) {
    return { pointer, reason: `must be ${describe(s)}; it is ${shown(value)}` };
  }
  if (typeof value === 'string' && s.minLength !== undefined && value.length < s.minLength) {
    return { pointer, reason: 'must not be empty' };
  }
  if (typeof value === 'number' && s.minimum !== undefined && value < s.minimum) {
    return { pointer, reason: `must be at least ${s.minimum}; it is ${value}` };
  }
  if (Array.isArray(value) && s.items !== undefined) {
    for (const [i, item] of value.entries()) {
      const problem = checkSchema(s.items as TSchema, item, `${pointer}/${i}`);
      if (problem !== null) return problem;
    }
  }
  if (isObject(value) && s.properties !== undefined) {
    const allowed = Object.keys(s.properties);
    const given = Object.keys(value).filter((key) => value[key] !== undefined);
    const extra = s.additionalProperties === false ? given.find((k) => !allowed.includes(k)) : null;
    if (extra !== undefined && extra !== null) {
      const suggestions = nearestNames(extra, allowed);
      return {
        pointer,
        reason: `has an unknown property ${JSON.stringify(extra)}`,
        unknown: { property: extra, allowed, suggestions },
      };
    }
    const missing = (s.required ?? []).find((key) => !given.includes(key));
    if (missing !== undefined) {
      const want = describe(s.properties[missing]);
      return { pointer, reason: `needs the property ${JSON.stringify(missing)} (${want})` };
    }
    for (const key of given.filter((k) => allowed.includes(k))) {
      const problem = checkSchema(s.properties[key] as TSchema, value[key], `${pointer}/${key}`);
      if (problem !== null) return problem;
    }
  }
  return null;
}

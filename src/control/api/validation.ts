// SPDX-License-Identifier: Apache-2.0
// Request validation errors as a client reads them: the field by its name (`options.epochs`,
// `ids`, `format`), what it accepts in words (the allowed values, an integer range, a date
// format with an example) and what was received. A schema may carry `x-hint`, the words for
// what it accepts where its constraints (a regular expression, an item limit) say too little;
// they replace the generic description, and advice after a `; ` follows the received value.
import { didYouMean, nearestNames } from '../../text/nearest.js';
import { plural } from '../../text/plural.js';

/** The schema keyword holding what a request field accepts, in words. */
export const HINT = 'x-hint';

/**
 * Options of the API's schema validator (Ajv): each error carries the failing value and its
 * schema (`verbose`), and the hint keyword is known, so strict mode accepts it.
 */
export const VALIDATOR_OPTIONS = { verbose: true, keywords: [HINT] };

/** One error of the validator (Ajv's ErrorObject, with `verbose`). */
export interface SchemaError {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  /** The schema holding the failing keyword. */
  parentSchema?: Schema;
  /** The value that failed. */
  data?: unknown;
}

type Schema = Record<string, unknown>;

/** What a request part is called when the whole of it is wrong. */
const PARTS: Record<string, string> = {
  body: 'the body',
  querystring: 'the query string',
  params: 'the path',
  headers: 'the headers',
};

/** `/options/epochs` -> `options.epochs`, `/ids/3` -> `ids[3]`; the part itself when empty. */
export function fieldName(instancePath: string, part: string): string {
  const steps = instancePath.split('/').slice(1);
  if (steps.length === 0) return PARTS[part] ?? part;
  return steps
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (name, s) => (/^[0-9]+$/.test(s) ? `${name}[${s}]` : name === '' ? s : `${name}.${s}`),
      '',
    );
}

function quoted(values: unknown[]): string {
  return [...new Set(values.map((v) => JSON.stringify(v)))].join(', ');
}

/** A numeric range in words: " from 1 to 1000", " of at least 1", "" when unbounded. */
function range(s: Schema): string {
  const { minimum: min, maximum: max, exclusiveMinimum: above, exclusiveMaximum: below } = s;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  const parts = [
    min !== undefined ? `of at least ${min}` : above !== undefined ? `greater than ${above}` : '',
    max !== undefined ? `of at most ${max}` : below !== undefined ? `less than ${below}` : '',
  ].filter((x) => x !== '');
  return parts.length === 0 ? '' : ` ${parts.join(' and ')}`;
}

/** "1 to 64", "at least 1", "at most 5" of a length limit pair; null when unlimited. */
function count(min: unknown, max: unknown): string | null {
  if (typeof min === 'number' && typeof max === 'number') return `${min} to ${max}`;
  if (typeof min === 'number' && min > 0) return `at least ${min}`;
  if (typeof max === 'number') return `at most ${max}`;
  return null;
}

/** What `schema` accepts, in words (its `x-hint` when it has one). */
export function describeSchema(schema: Schema | undefined): string {
  const s = schema ?? {};
  if (typeof s[HINT] === 'string') return s[HINT] as string;
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${quoted(s.enum)}`;
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches)) {
    if (branches.every((b) => 'const' in b))
      return `one of ${quoted(branches.map((b) => b.const))}`;
    return [...new Set(branches.map(describeSchema))].join(' or ');
  }
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string | undefined];
  const words = types.map((type) => {
    switch (type) {
      case 'integer':
        return `an integer${range(s)}`;
      case 'number':
        return `a number${range(s)}`;
      case 'boolean':
        return 'true or false';
      case 'null':
        return 'null';
      case 'string': {
        if (typeof s.pattern === 'string') return `text matching ${s.pattern}`;
        const length = count(s.minLength, s.maxLength);
        if (length === null) return 'a string';
        return length === 'at least 1' ? 'a non-empty string' : `a string of ${length} characters`;
      }
      case 'array': {
        const items = count(s.minItems, s.maxItems);
        const each = s.items === undefined ? '' : `, each ${describeSchema(s.items as Schema)}`;
        return `a list${items === null ? '' : ` of ${items} items`}${each}`;
      }
      case 'object': {
        const keys = Object.keys((s.properties as Schema | undefined) ?? {});
        return keys.length === 0 ? 'an object' : `an object with ${keys.join(', ')}`;
      }
      default:
        return 'a value';
    }
  });
  return [...new Set(words)].join(' or ');
}

// A field whose value may be a credential (under `secrets`, or named like one): its value is
// never repeated in a message, which may end up in logs.
const SECRET_FIELD =
  /^secrets$|pass(word|wd|phrase)?|secret|token|credential|private.?key|api.?key|access.?key/i;

/** Whether the value at `instancePath` may be a credential (see SECRET_FIELD). */
export function maySecret(instancePath: string): boolean {
  return instancePath.split('/').some((step) => SECRET_FIELD.test(step));
}

/**
 * A received value for a message: text quoted and cut, a list by its length; at a path that
 * may hold a credential, only its kind.
 */
export function describeValue(value: unknown, instancePath = ''): string {
  if (value === undefined) return 'nothing';
  if (maySecret(instancePath)) {
    const kind =
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'a list'
          : typeof value === 'object'
            ? 'an object'
            : `a ${typeof value}`;
    return `${kind} (not shown: it may be a secret)`;
  }
  if (Array.isArray(value)) return `a list of ${plural(value.length, 'item')}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

interface Problem {
  path: string;
  text: string;
}

/**
 * The validator's errors as sentences, one per field: `field must be <what it accepts>, got
 * <value>`, or the unknown property of an object with the known ones. An `anyOf` error replaces
 * the errors of its alternatives (they came before it) with one sentence naming them all.
 */
export function validationProblems(errors: SchemaError[], part: string): string[] {
  let problems: Problem[] = [];
  const mustBe = (path: string, schema: Schema | undefined, value: unknown) => {
    const [accepts, ...advice] = describeSchema(schema).split('; ');
    const text = `${fieldName(path, part)} must be ${accepts}, got ${describeValue(value, path)}`;
    return [text, ...advice].join('; ');
  };
  const unknown = (path: string, name: string, known: string[]) => {
    const typo = didYouMean(nearestNames(name, known));
    const list = known.length === 0 ? '' : `; known: ${known.join(', ')}`;
    return `${fieldName(path, part)} has an unknown property "${name}"${typo}${list}`;
  };
  for (const e of errors) {
    const path = e.instancePath ?? '';
    const p = e.params ?? {};
    const parent = e.parentSchema ?? {};
    const properties = (parent.properties as Record<string, Schema> | undefined) ?? {};
    switch (e.keyword) {
      case 'anyOf':
      case 'oneOf':
        problems = problems.filter((x) => x.path !== path && !x.path.startsWith(`${path}/`));
        problems.push({ path, text: mustBe(path, parent, e.data) });
        break;
      case 'required': {
        // The validator stops at this first error: a misspelt name (`querry`) is the likely
        // cause of the missing one, so unknown names of a closed object come first.
        const known = Object.keys(properties);
        const data = e.data;
        if (parent.additionalProperties === false && data !== null && typeof data === 'object') {
          for (const name of Object.keys(data).filter((n) => !known.includes(n))) {
            problems.push({ path, text: unknown(path, name, known) });
          }
        }
        const missing = String(p.missingProperty);
        const at = `${path}/${missing}`;
        problems.push({ path: at, text: mustBe(at, properties[missing], undefined) });
        break;
      }
      case 'additionalProperties':
        problems.push({
          path,
          text: unknown(path, String(p.additionalProperty), Object.keys(properties)),
        });
        break;
      default:
        problems.push({
          path,
          text:
            e.parentSchema === undefined
              ? `${fieldName(path, part)} ${e.message ?? 'is invalid'}`
              : mustBe(path, parent, e.data),
        });
    }
  }
  return [...new Set(problems.map((x) => x.text))];
}

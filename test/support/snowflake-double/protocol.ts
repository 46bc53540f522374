// SPDX-License-Identifier: Apache-2.0
// Part of the Snowflake test double (see server.ts): the envelope of Snowflake's REST answers
// ({data, code, message, success}), the session parameters the driver reads, and the reading
// of the driver's (possibly gzipped) JSON request bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Binding } from './rowset.js';

/** The parts of the driver's request bodies the double reads. */
export interface RequestBody {
  data?: Record<string, unknown>;
  sqlText?: string;
  bindings?: Record<string, Binding>;
}

/** The driver reads these from the login and query answers (formats, cache sizes). */
export const SESSION_PARAMETERS = [
  { name: 'TIMEZONE', value: 'UTC' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'TIMESTAMP_LTZ_OUTPUT_FORMAT', value: '' },
  { name: 'TIMESTAMP_TZ_OUTPUT_FORMAT', value: '' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'CLIENT_SESSION_KEEP_ALIVE', value: false },
  { name: 'QUERY_CONTEXT_CACHE_SIZE', value: 5 },
];

export function tokenOf(req: IncomingMessage): string | undefined {
  return /Snowflake Token="([^"]*)"/.exec(req.headers.authorization ?? '')?.[1];
}

export function success(data: object): object {
  return { data, code: null, message: null, success: true };
}

export function failure(code: string, message: string, data: object = {}): object {
  return { data: { ...data, errorCode: code }, code, message, success: false };
}

export function send(res: ServerResponse, body: object, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

// The driver gzips request bodies, but sets the header and swaps the body in a callback that
// may run after the request left; so the magic bytes decide, not the header.
export async function readJson(req: IncomingMessage): Promise<RequestBody | undefined> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  if (parts.length === 0) return undefined;
  let raw = Buffer.concat(parts);
  if (raw.length > 2 && raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
  const text = raw.toString('utf8');
  return text.length === 0 ? undefined : JSON.parse(text);
}

export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

// SPDX-License-Identifier: Apache-2.0
// TEST DOUBLE, not Snowflake. An HTTP server on 127.0.0.1 that answers the subset of Snowflake's
// REST protocol that snowflake-sdk (3.x, JSON result format) uses, backed by an in-memory
// DuckDB so real SQL runs and the real driver code is exercised in tests. Covered:
// - POST /session/v1/login-request: password (AUTHENTICATOR SNOWFLAKE) and key-pair
//   (SNOWFLAKE_JWT, RS256 signature checked against the user's public key) login; the
//   warehouse / databaseName / schemaName / roleName query parameters choose the session's
//   DuckDB catalog and schema; a wrong credential answers code 390100 like Snowflake.
// - POST /queries/v1/query-request: one statement, `?` or `:N` placeholders with the driver's
//   positional `bindings` map; the answer is Snowflake's JSON result: `rowtype` metadata,
//   values as strings, the first chunk inline as `rowset` and the rest as `chunks` with URLs
//   and `chunkHeaders` (an SSE-C style key the chunk request must echo).
// - Array binds (every `bindings` entry a list of values, one per row) for
//   INSERT ... VALUES (...) with one row of placeholders: run as one statement, all rows or
//   none, as Snowflake does; array binds on any other statement are refused (0A000).
// - ALTER TABLE a SWAP WITH b (one-part names), atomic for readers; CREATE OR REPLACE TABLE,
//   ALTER TABLE ... RENAME TO and DROP TABLE IF EXISTS are DuckDB's own.
// - Failures on demand: `failStatement` makes a chosen statement fail as the warehouse would.
// - GET /chunks/<queryId>/<n>: one result chunk, gzip-compressed, as the driver fetches them.
// - GET /queries/<queryId>/result: a stored result again (the driver's refresh path).
// - POST /session/token-request: renewal of an expired session token (code 390112, see
//   `expireSessionTokens`) with the master token.
// - POST /session?delete=true (close), /session/heartbeat, /telemetry/send,
//   /queries/v1/abort-request (accepted, nothing to abort: queries here run synchronously).
// - Queries still running (code 333333 with a getResultUrl the driver polls), on demand: see
//   `runningAnswers`.
// Not covered: asyncExec queries and the query monitoring endpoints, multi-statement requests,
// stage binds (array binds above CLIENT_STAGE_ARRAY_BINDING_THRESHOLD), PUT/GET file transfer, Arrow results, OAuth, MFA and SSO. SQL is
// DuckDB's dialect, plus the Snowflake functions and constructs that prequel's SQL writers
// emit (dialect.ts).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { checkJwt, type DoubleUser } from './auth.js';
import { SNOWFLAKE_MACROS } from './dialect.js';
import { runStatement, type StatementResult } from './statement.js';
import { DoubleSqlError } from './rowset.js';
import {
  failure,
  quote,
  readJson,
  send,
  SESSION_PARAMETERS,
  success,
  tokenOf,
  type RequestBody,
} from './protocol.js';

export type { DoubleUser } from './auth.js';

export interface SnowflakeDoubleOptions {
  /** Account name the driver must log in to (compared case-insensitively). */
  account: string;
  users: DoubleUser[];
  /** Database (a DuckDB catalog) and schema created at start and used by default. */
  database: string;
  schema: string;
  /** Rows per result chunk; the first chunk travels inline, the rest by URL. */
  chunkRows?: number;
}

export interface DoubleStats {
  logins: number;
  failedLogins: number;
  queries: number;
  /** Result chunks fetched by URL, in order of request. */
  chunkRequests: { queryId: string; index: number }[];
  sessionsClosed: number;
  renewals: number;
  /** Requests for a result by query id (the driver's polling of a running query). */
  resultPolls: number;
  /** Rows of each array-bound statement, in order of request. */
  arrayBinds: number[];
}

interface Session {
  token: string;
  masterToken: string;
  id: number;
  connection: DuckDBConnection;
  user: string;
  database: string;
  schema: string;
  warehouse: string | null;
  role: string;
  expired: boolean;
}

interface StoredResult {
  session: number;
  data: Record<string, unknown>;
  chunks: Buffer[];
  key: string;
  /** "Still running" answers left before the result is given. */
  running: number;
}

const KEY_HEADER = 'x-amz-server-side-encryption-customer-key';

/** A running double: its URL, its DuckDB for seeding, its counters; `close()` when done. */
export class SnowflakeDouble {
  readonly stats: DoubleStats = {
    logins: 0,
    failedLogins: 0,
    queries: 0,
    chunkRequests: [],
    sessionsClosed: 0,
    renewals: 0,
    resultPolls: 0,
    arrayBinds: [],
  };
  private readonly sessions = new Map<string, Session>();
  private readonly results = new Map<string, StoredResult>();
  private nextSessionId = 1;
  private port = 0;

  private constructor(
    private readonly options: Required<SnowflakeDoubleOptions>,
    private readonly instance: DuckDBInstance,
    private readonly admin: DuckDBConnection,
    private readonly server: Server,
  ) {}

  /** Starts a double on 127.0.0.1 at a free port. */
  static async start(options: SnowflakeDoubleOptions): Promise<SnowflakeDouble> {
    const full = { chunkRows: 1000, ...options };
    const instance = await DuckDBInstance.create(':memory:');
    const admin = await instance.connect();
    const catalog = quote(full.database);
    await admin.run(`ATTACH ':memory:' AS ${catalog}`);
    await admin.run(`CREATE SCHEMA ${catalog}.${quote(full.schema)}`);
    await admin.run(`USE ${catalog}.${quote(full.schema)}`);
    for (const macro of SNOWFLAKE_MACROS) await admin.run(macro);

    const server = createServer();
    const double = new SnowflakeDouble(full, instance, admin, server);
    server.on('request', (req, res) => void double.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    double.port = (server.address() as AddressInfo).port;
    return double;
  }

  /** The URL to give the driver as `accessUrl`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Runs setup SQL (CREATE TABLE, INSERT) in the double's database and schema. */
  async seed(sql: string): Promise<void> {
    await this.admin.run(sql);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    for (const session of this.sessions.values()) session.connection.closeSync();
    this.sessions.clear();
    this.admin.closeSync();
    this.instance.closeSync();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.url);
      const body = await readJson(req);
      const path = url.pathname;

      if (path === '/session/v1/login-request') return send(res, await this.login(url, body));
      if (path.startsWith('/chunks/')) return this.sendChunk(req, res, path);
      if (path === '/session/token-request') return send(res, this.renew(req));
      const session = this.authorize(req);
      if (session === undefined) {
        return send(res, failure('390104', 'Authentication token is invalid.'));
      }
      if (session.expired) return send(res, failure('390112', 'Your session has expired.'));

      if (path === '/queries/v1/query-request') return send(res, await this.query(session, body));
      if (path.startsWith('/queries/') && path.endsWith('/result')) {
        return send(res, this.storedResult(path.split('/')[2]));
      }
      if (path === '/session' && url.searchParams.get('delete') === 'true') {
        return send(res, this.closeSession(session));
      }
      const accepted = ['/session/heartbeat', '/telemetry/send', '/queries/v1/abort-request'];
      if (accepted.includes(path)) return send(res, success({}));
      send(res, failure('000404', `the test double does not serve ${path}`), 404);
    } catch (err) {
      // Not HTTP 500: the driver retries those for minutes; a test should fail at once.
      send(res, failure('000500', `test double failure: ${(err as Error).message}`));
    }
  }

  private async login(url: URL, body: RequestBody | undefined): Promise<object> {
    const data = body?.data ?? {};
    const user = this.options.users.find(
      (u) => u.name.toUpperCase() === String(data.LOGIN_NAME ?? '').toUpperCase(),
    );
    const accountOk =
      String(data.ACCOUNT_NAME ?? '').toUpperCase() === this.options.account.toUpperCase();
    const authenticator = String(data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
    const credentialOk =
      user !== undefined &&
      (authenticator === 'SNOWFLAKE_JWT'
        ? checkJwt(String(data.TOKEN ?? ''), this.options.account, user)
        : user.password !== undefined && data.PASSWORD === user.password);
    if (!accountOk || !credentialOk) {
      this.stats.failedLogins++;
      return failure('390100', 'Incorrect username or password was specified.');
    }

    const database = url.searchParams.get('databaseName') ?? this.options.database;
    const schema = url.searchParams.get('schemaName') ?? this.options.schema;
    const connection = await this.instance.connect();
    try {
      await connection.run(`USE ${quote(database)}.${quote(schema)}`);
    } catch {
      connection.closeSync();
      return failure('390201', `Database ${database} or schema ${schema} does not exist.`);
    }
    const session: Session = {
      token: randomUUID(),
      masterToken: randomUUID(),
      id: this.nextSessionId++,
      connection,
      user: user!.name,
      database,
      schema,
      warehouse: url.searchParams.get('warehouse'),
      role: url.searchParams.get('roleName') ?? 'PUBLIC',
      expired: false,
    };
    this.sessions.set(session.token, session);
    this.stats.logins++;
    return success({
      token: session.token,
      masterToken: session.masterToken,
      validityInSeconds: 3600,
      masterValidityInSeconds: 14400,
      sessionId: session.id,
      parameters: SESSION_PARAMETERS,
      sessionInfo: {
        databaseName: database,
        schemaName: schema,
        warehouseName: session.warehouse,
        roleName: session.role,
      },
    });
  }

  /** Queries first answer "still running" this many times, so the driver polls for them. */
  runningAnswers = 0;

  /** While set, chunk downloads are refused (HTTP 400), as a broken storage link would be. */
  refuseChunks = false;

  /**
   * Makes the next statement whose text matches `pattern`, after `skip` matching ones have
   * run, fail once as a value the warehouse cannot convert would (SQLSTATE 22018).
   */
  failStatement(pattern: RegExp, skip = 0): void {
    this.faults.push({ pattern, skip });
  }

  private readonly faults: { pattern: RegExp; skip: number }[] = [];

  /** Makes every session token expire, as they do after an hour; master tokens still renew. */
  expireSessionTokens(): void {
    for (const session of this.sessions.values()) session.expired = true;
  }

  private authorize(req: IncomingMessage): Session | undefined {
    const token = tokenOf(req);
    return token === undefined ? undefined : this.sessions.get(token);
  }

  private async query(session: Session, body: RequestBody | undefined): Promise<object> {
    this.stats.queries++;
    const queryId = randomUUID();
    const sqlText = String(body?.sqlText ?? '');
    const firstBinding = Object.values(body?.bindings ?? {})[0]?.value;
    if (Array.isArray(firstBinding)) this.stats.arrayBinds.push(firstBinding.length);
    let result: StatementResult;
    try {
      this.injectFault(sqlText);
      result = await runStatement(session.connection, sqlText, body?.bindings);
    } catch (err) {
      const sqlError = err instanceof DoubleSqlError ? err : undefined;
      return failure(
        sqlError?.code ?? '002003',
        `SQL compilation error:\n${(err as Error).message}`,
        {
          queryId,
          sqlState: sqlError?.sqlState ?? '42000',
        },
      );
    }

    const chunkRows = this.options.chunkRows;
    const inline = result.rows.slice(0, chunkRows);
    const key = randomUUID();
    const chunks: Buffer[] = [];
    const chunkInfo: object[] = [];
    for (let start = chunkRows; start < result.rows.length; start += chunkRows) {
      const rows = result.rows.slice(start, start + chunkRows);
      const text = rows.map((row) => JSON.stringify(row)).join(',');
      const gz = gzipSync(Buffer.from(text, 'utf8'));
      chunkInfo.push({
        url: `${this.url}/chunks/${queryId}/${chunks.length}`,
        rowCount: rows.length,
        uncompressedSize: Buffer.byteLength(text),
        compressedSize: gz.length,
      });
      chunks.push(gz);
    }

    const data: Record<string, unknown> = {
      parameters: SESSION_PARAMETERS,
      rowtype: result.rowType,
      rowset: inline,
      total: result.rows.length,
      returned: result.rows.length,
      queryId,
      databaseProvider: null,
      finalDatabaseName: session.database,
      finalSchemaName: session.schema,
      finalWarehouseName: session.warehouse,
      finalRoleName: session.role,
      numberOfBinds: Object.keys(body?.bindings ?? {}).length,
      arrayBindSupported: false,
      statementTypeId: result.statementTypeId,
      version: 1,
      sendResultTime: Date.now(),
      queryResultFormat: 'json',
    };
    if (chunks.length > 0) {
      data.chunks = chunkInfo;
      data.chunkHeaders = {
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
        [KEY_HEADER]: key,
      };
    }
    const stored = { session: session.id, data, chunks, key, running: this.runningAnswers };
    this.results.set(queryId, stored);
    return this.answer(queryId, stored);
  }

  private injectFault(sqlText: string): void {
    const index = this.faults.findIndex((f) => f.pattern.test(sqlText));
    if (index < 0) return;
    const fault = this.faults[index];
    if (fault.skip-- > 0) return;
    this.faults.splice(index, 1);
    throw new DoubleSqlError("Numeric value 'x' is not recognized (injected)", '22018', '100038');
  }

  private storedResult(queryId: string): object {
    this.stats.resultPolls++;
    const stored = this.results.get(queryId);
    if (stored === undefined) return failure('000709', `Statement ${queryId} not found`);
    return this.answer(queryId, stored);
  }

  private answer(queryId: string, stored: StoredResult): object {
    if (stored.running === 0) return success(stored.data);
    stored.running--;
    const getResultUrl = `/queries/${queryId}/result`;
    return { data: { queryId, getResultUrl }, code: '333333', message: 'running', success: true };
  }

  private sendChunk(req: IncomingMessage, res: ServerResponse, path: string): void {
    const [, , queryId, indexText] = path.split('/');
    const stored = this.results.get(queryId);
    const index = Number(indexText);
    const chunk = stored?.chunks[index];
    const refused = this.refuseChunks || req.headers[KEY_HEADER] !== stored?.key;
    if (stored === undefined || chunk === undefined || refused) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('no such chunk or wrong key');
      return;
    }
    this.stats.chunkRequests.push({ queryId, index });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' });
    res.end(chunk);
  }

  private closeSession(session: Session): object {
    this.sessions.delete(session.token);
    for (const [queryId, stored] of this.results) {
      if (stored.session === session.id) this.results.delete(queryId);
    }
    session.connection.closeSync();
    this.stats.sessionsClosed++;
    return success({});
  }

  // The driver renews with the master token in the Authorization header.
  private renew(req: IncomingMessage): object {
    const master = tokenOf(req);
    const session = [...this.sessions.values()].find((s) => s.masterToken === master);
    if (session === undefined) return failure('390114', 'Master token has expired.');
    this.sessions.delete(session.token);
    session.token = randomUUID();
    session.expired = false;
    this.sessions.set(session.token, session);
    this.stats.renewals++;
    return success({
      sessionToken: session.token,
      validityInSecondsST: 3600,
      masterToken: session.masterToken,
      validityInSecondsMT: 14400,
    });
  }
}

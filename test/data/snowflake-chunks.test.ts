// SPDX-License-Identifier: Apache-2.0
// A large Snowflake result streams: the warehouse's result chunks are downloaded only as the
// caller reads, each handed-out chunk holds at most `chunkRows` rows, and stopping early stops
// the downloads. The double serves 500-row chunks; the connector hands out 1,200-row chunks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import { startDouble, withConnector } from '../support/snowflake-double/fixture.js';

const ROWS = 12_000;
const SERVED_ROWS = 500;
const HANDED_ROWS = 1_200;
/** The driver prefetches this many chunks ahead of the one being read (its default). */
const PREFETCH = 2;

let double: SnowflakeDouble;

beforeAll(async () => {
  double = await startDouble({ chunkRows: SERVED_ROWS });
  await double.seed(`
    CREATE TABLE "EVENTS" AS
    SELECT i AS "ID", 9007199254740993 + i AS "KEY", 'user' || (i % 97) AS "USER",
           TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS "AT"
    FROM range(${ROWS}) t(i);
  `);
});

afterAll(async () => {
  await double?.close();
});

function downloadsOf(queryId: string | undefined): number {
  return double.stats.chunkRequests.filter((r) => r.queryId === queryId).length;
}

describe('Snowflake result streaming', () => {
  it('downloads result chunks only as rows are read, in bounded chunks', async () => {
    await withConnector(
      double,
      async (sf) => {
        let read = 0;
        let keySum = 0n;
        let maxAhead = 0;
        let previous = -1n;
        let ordered = true;
        for await (const chunk of sf.query(
          'SELECT "ID", "KEY", "USER", "AT" FROM "EVENTS" ORDER BY "ID"',
        )) {
          expect(chunk.rows).toBeLessThanOrEqual(HANDED_ROWS);
          read += chunk.rows;
          const [id, key, user] = chunk.columns;
          if (key.kind !== 'bigint' || id.kind !== 'bigint' || user.kind !== 'string') {
            throw new Error('unexpected kinds');
          }
          expect(user.dictionary.length).toBeLessThanOrEqual(97);
          for (let i = 0; i < chunk.rows; i++) {
            ordered &&= id.values[i] === previous + 1n;
            previous = id.values[i];
            keySum += key.values[i];
          }
          // Served chunks needed so far (the first travels inline), and how far ahead they ran.
          const queryId = double.stats.chunkRequests.at(-1)?.queryId;
          const needed = Math.max(0, Math.ceil(read / SERVED_ROWS) - 1);
          maxAhead = Math.max(maxAhead, downloadsOf(queryId) - needed);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        expect(read).toBe(ROWS);
        expect(ordered).toBe(true);
        const n = BigInt(ROWS);
        expect(keySum).toBe(9007199254740993n * n + (n * (n - 1n)) / 2n);
        expect(maxAhead).toBeLessThanOrEqual(PREFETCH + 1);
      },
      { chunkRows: HANDED_ROWS },
    );
    expect(double.stats.chunkRequests.length).toBe(ROWS / SERVED_ROWS - 1);
  });

  it('stops downloading when the reader stops early', async () => {
    const before = double.stats.chunkRequests.length;
    await withConnector(
      double,
      async (sf) => {
        for await (const chunk of sf.query('SELECT * FROM "EVENTS" ORDER BY "ID"')) {
          expect(chunk.rows).toBe(HANDED_ROWS);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
      { chunkRows: HANDED_ROWS },
    );
    const fetched = double.stats.chunkRequests.length - before;
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThanOrEqual(Math.ceil(HANDED_ROWS / SERVED_ROWS) + PREFETCH);
  });

  it('concatenates a multi-chunk result exactly in queryAll', async () => {
    await withConnector(
      double,
      async (sf) => {
        const all = await sf.queryAll(
          'SELECT "ID", "USER" FROM "EVENTS" WHERE "ID" < ? ORDER BY "ID"',
          [5_000],
        );
        expect(all.rows).toBe(5_000);
        const [id, user] = all.columns;
        if (id.kind !== 'bigint' || user.kind !== 'string') throw new Error('unexpected kinds');
        expect(id.values[4_999]).toBe(4_999n);
        expect(user.dictionary[user.codes[4_999]]).toBe(`user${4_999 % 97}`);
        expect(user.dictionary.length).toBe(97);
      },
      { chunkRows: HANDED_ROWS },
    );
  });

  it('reports a result chunk that cannot be downloaded as a coded error', async () => {
    await withConnector(
      double,
      async (sf) => {
        double.refuseChunks = true;
        let read = 0;
        const reading = (async () => {
          for await (const chunk of sf.query('SELECT "ID" FROM "EVENTS"')) read += chunk.rows;
        })();
        await expect(reading).rejects.toMatchObject({ code: 'SNOWFLAKE_NETWORK_ERROR' });
        expect(read).toBeLessThan(ROWS);
      },
      { chunkRows: HANDED_ROWS },
    ).finally(() => (double.refuseChunks = false));
  });
});

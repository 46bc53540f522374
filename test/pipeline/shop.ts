// SPDX-License-Identifier: Apache-2.0
// A small shop for end-to-end tests of the REST API and the CLI: users and their orders over two
// years, written as CSV files. User keys start at 2^53 + 1, so every id that crosses JSON, CSV,
// Arrow or Parquet must stay exact. How often a user orders is a hidden per-user rate, so
// "will this user order in the next 30 days" is learnable from their history.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/gnn/random.js';
import { Prequel } from '../../src/prequel.js';

/** 2^53 + 1: the first integer a double cannot hold. */
export const FIRST_USER_ID = 9007199254740993n;
export const SHOP_QUERY = 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id';
/** Fast settings for tests: one epoch of a small model. */
export const FAST_OPTIONS = { mode: 'fast', epochs: 1, channels: 16, fanouts: [4, 2] } as const;

const DAY_MS = 86_400_000;
const START = Date.UTC(2023, 0, 1);
const DAYS = 720;

export interface Shop {
  dir: string;
  userIds: string[];
  /** The last order time, as an ISO instant. */
  lastOrder: string;
}

/** Writes users.csv and orders.csv into `dir` (created). */
export function writeShop(dir: string, users = 60, seed = 7): Shop {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  const userLines = ['user_id,age,segment'];
  const orderLines = ['order_id,user_id,order_time,amount'];
  const userIds: string[] = [];
  let order = 1;
  let last = 0;
  for (let u = 0; u < users; u++) {
    const id = (FIRST_USER_ID + BigInt(u)).toString();
    userIds.push(id);
    userLines.push(`${id},${20 + rng.int(50)},s${rng.int(3)}`);
    const gapDays = 5 + rng.int(80);
    for (let day = rng.int(gapDays); day < DAYS; day += 1 + rng.int(2 * gapDays)) {
      const at = START + day * DAY_MS + rng.int(24) * 3_600_000;
      last = Math.max(last, at);
      const stamp = new Date(at).toISOString().slice(0, 19).replace('T', ' ');
      orderLines.push(`${order++},${id},${stamp},${(10 + 40 * rng.uniform()).toFixed(2)}`);
    }
  }
  writeFileSync(join(dir, 'users.csv'), userLines.join('\n') + '\n');
  writeFileSync(join(dir, 'orders.csv'), orderLines.join('\n') + '\n');
  return { dir, userIds, lastOrder: new Date(last).toISOString() };
}

/** A workspace with the shop registered as `shop`, its graph inferred and one model trained. */
export interface TrainedShop {
  prequel: Prequel;
  shop: Shop;
  modelId: string;
  /** Closes the workspace and removes its directory. */
  close(): Promise<void>;
}

export async function trainedShop(users = 40): Promise<TrainedShop> {
  const dir = mkdtempSync(join(tmpdir(), 'prequel-shop-'));
  const shop = writeShop(join(dir, 'data'), users);
  const prequel = await Prequel.open({ workspace: join(dir, 'ws'), create: true });
  const close = async () => {
    await prequel.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await prequel.registerSource({ name: 'shop', kind: 'duckdb', settings: { path: shop.dir } });
    await prequel.inspectSource('shop');
    const job = await prequel.train({ source: 'shop', query: SHOP_QUERY, options: FAST_OPTIONS });
    const done = await prequel.waitForJob(job.id, { timeoutMs: 120_000 });
    if (done.state !== 'succeeded') {
      throw new Error(`training the shop failed: ${JSON.stringify(done.error)}`);
    }
    return { prequel, shop, modelId: (done.result as { modelId: string }).modelId, close };
  } catch (err) {
    await close();
    throw err;
  }
}

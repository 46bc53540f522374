// The demo generator: deterministic, referentially intact, temporally consistent, and carrying
// the history-dependent behaviour the demo queries are meant to find.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate.js';

type Row = Record<string, string>;

/** Minimal CSV reader for the generator's own output (quoted fields without newlines). */
function readCsv(file: string): Row[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => {
    const fields = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, ''));
    return Object.fromEntries(names.map((n, i) => [n, fields[i]!.replace(/^"|"$/g, '')]));
  });
}

let dir: string;
let tables: Record<string, Row[]>;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'prequel-demo-'));
  generateDemo(dir, { customers: 600, seed: 11 });
  tables = Object.fromEntries(
    ['customers', 'products', 'orders', 'order_items', 'reviews'].map((t) => [
      t,
      readCsv(path.join(dir, `${t}.csv`)),
    ]),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('demo generator', () => {
  it('is deterministic for a seed', () => {
    const again = mkdtempSync(path.join(tmpdir(), 'prequel-demo-'));
    try {
      generateDemo(again, { customers: 600, seed: 11 });
      for (const t of Object.keys(tables)) {
        expect(readFileSync(path.join(again, `${t}.csv`), 'utf8')).toBe(
          readFileSync(path.join(dir, `${t}.csv`), 'utf8'),
        );
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('keeps every foreign key resolvable', () => {
    const customers = new Set(tables.customers!.map((r) => r.customer_id));
    const products = new Set(tables.products!.map((r) => r.product_id));
    const orders = new Map(tables.orders!.map((r) => [r.order_id, r]));
    for (const o of tables.orders!) expect(customers.has(o.customer_id!)).toBe(true);
    for (const i of tables.order_items!) {
      expect(orders.get(i.order_id!)?.customer_id).toBe(i.customer_id);
      expect(products.has(i.product_id!)).toBe(true);
    }
    for (const r of tables.reviews!) expect(products.has(r.product_id!)).toBe(true);
  });

  it('orders nothing before signup or before a product exists, and reviews after buying', () => {
    const signup = new Map(tables.customers!.map((r) => [r.customer_id, r.signup_time!]));
    const created = new Map(tables.products!.map((r) => [r.product_id, r.created_at!]));
    for (const o of tables.orders!) expect(o.order_time! >= signup.get(o.customer_id!)!).toBe(true);
    const firstPurchase = new Map<string, string>();
    for (const i of tables.order_items!) {
      expect(i.ordered_at! >= created.get(i.product_id!)!).toBe(true);
      const key = `${i.customer_id}/${i.product_id}`;
      if (!firstPurchase.has(key)) firstPurchase.set(key, i.ordered_at!);
    }
    for (const r of tables.reviews!) {
      expect(r.review_time! > firstPurchase.get(`${r.customer_id}/${r.product_id}`)!).toBe(true);
    }
  });

  it('has repeat buyers and a year-end peak', () => {
    const pairs = new Map<string, number>();
    for (const i of tables.order_items!) {
      const key = `${i.customer_id}/${i.product_id}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    const repeated = [...pairs.values()].filter((n) => n > 1).length;
    expect(repeated / pairs.size).toBeGreaterThan(0.1);

    const byMonth = new Array(12).fill(0);
    for (const o of tables.orders!) byMonth[Number(o.order_time!.slice(5, 7)) - 1]++;
    expect(byMonth[11]).toBeGreaterThan(1.3 * byMonth[6]);
  });

  it('makes a late last delivery predict churn', () => {
    const last = new Map<string, Row>();
    for (const o of tables.orders!) last.set(o.customer_id!, o);
    // Customers silent for the last six months have churned; their last orders should be late
    // far more often than orders in general.
    const churnedLast = [...last.values()].filter((o) => o.order_time! < '2025-06-30');
    const lateShare = (rows: Row[]) =>
      rows.filter((o) => Number(o.delivery_days) > 6).length / rows.length;
    expect(churnedLast.length).toBeGreaterThan(100);
    expect(lateShare(churnedLast)).toBeGreaterThan(1.5 * lateShare(tables.orders!));
  });
});

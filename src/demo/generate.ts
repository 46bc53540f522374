// SPDX-License-Identifier: Apache-2.0
// Generates prequel's demo database: an online shop over two years, written as CSV files.
//
// Tables: customers, products, orders, order_items, reviews. Behaviour depends on history, so
// there is something for a model to learn that a per-row model cannot see:
// - each customer has a latent purchase rate and favourite categories; a third of items re-buy
//   something the customer bought before (repeat buyers), the rest follow the favourites and
//   product popularity (Zipf-like), with new products drawing extra attention for two months;
// - demand is seasonal (a summer dip and a November-December peak);
// - customers churn: the chance to stop after an order rises after a late delivery or a bad
//   review and falls with loyalty, so recent bad experiences predict silence.
// The same seed gives the same files on every machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Random } from './random.js';

export interface DemoOptions {
  /** Number of customers; products scale with it. Default 3,000. */
  customers?: number;
  seed?: number;
  /** First day of activity (UTC). Default 2024-01-01. */
  start?: Date;
  /** Length of the activity period in days. Default 730. */
  days?: number;
}

export interface DemoSummary {
  dir: string;
  tables: Record<string, number>;
  start: string;
  end: string;
}

const DAY_MS = 86_400_000;

const CATEGORIES = [
  { name: 'electronics', price: 180, nouns: ['headphones', 'charger', 'speaker', 'camera'] },
  { name: 'books', price: 18, nouns: ['novel', 'cookbook', 'atlas', 'biography'] },
  { name: 'home', price: 45, nouns: ['lamp', 'rug', 'kettle', 'pillow'] },
  { name: 'garden', price: 35, nouns: ['hose', 'planter', 'shears', 'seeds'] },
  { name: 'toys', price: 25, nouns: ['puzzle', 'robot', 'blocks', 'kite'] },
  { name: 'beauty', price: 22, nouns: ['serum', 'lotion', 'palette', 'shampoo'] },
  { name: 'sports', price: 60, nouns: ['racket', 'mat', 'bottle', 'helmet'] },
  { name: 'grocery', price: 9, nouns: ['coffee', 'tea', 'olive oil', 'granola'] },
] as const;

const ADJECTIVES = ['classic', 'compact', 'deluxe', 'eco', 'smart', 'vintage', 'ultra', 'mini'];
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'ES', 'IT', 'NL', 'PL'];
const COUNTRY_WEIGHTS = [30, 15, 12, 12, 8, 8, 8, 7];
const CHANNELS = ['web', 'mobile', 'app'];
const SOURCES = ['ads', 'organic', 'referral'];

const REVIEW_TEXT: Record<number, string[]> = {
  1: ['arrived broken, very disappointed', 'terrible quality, returning it'],
  2: ['not as described', 'late delivery and poor packaging'],
  3: ['okay for the price', 'does the job, nothing special'],
  4: ['good value, would buy again', 'works well, fast shipping'],
  5: ['excellent, exactly what I wanted', 'love it, highly recommend'],
};

interface Product {
  id: number;
  category: number;
  brand: string | null;
  price: number;
  created: number;
  quality: number;
  popularity: number;
  title: string;
}

/** Seasonal demand multiplier for a time in ms: a summer dip and a year-end peak. */
function seasonality(t: number): number {
  const d = new Date(t);
  const dayOfYear = (t - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS;
  const wave = 1 + 0.25 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365);
  const month = d.getUTCMonth();
  return wave * (month === 10 ? 1.4 : month === 11 ? 1.7 : 1);
}

function timestamp(t: number): string {
  return new Date(t).toISOString().slice(0, 19).replace('T', ' ');
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

class CsvTable {
  readonly lines: string[];
  constructor(header: string[]) {
    this.lines = [header.join(',')];
  }
  add(row: (string | number | null)[]): void {
    this.lines.push(row.map(csvField).join(','));
  }
  get rows(): number {
    return this.lines.length - 1;
  }
}

/** Writes the demo database into `dir` (created if missing) and returns row counts. */
export function generateDemo(dir: string, options: DemoOptions = {}): DemoSummary {
  const rng = new Random(options.seed ?? 7);
  const numCustomers = options.customers ?? 3000;
  const start = (options.start ?? new Date(Date.UTC(2024, 0, 1))).getTime();
  const end = start + (options.days ?? 730) * DAY_MS;

  const products = makeProducts(rng, Math.max(40, Math.round(numCustomers / 7)), start, end);
  const tables = simulate(rng, products, numCustomers, start, end);

  mkdirSync(dir, { recursive: true });
  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    writeFileSync(path.join(dir, `${name}.csv`), table.lines.join('\n') + '\n');
    counts[name] = table.rows;
  }
  return { dir, tables: counts, start: timestamp(start), end: timestamp(end) };
}

function makeProducts(rng: Random, count: number, start: number, end: number): Product[] {
  const brands = Array.from({ length: 40 }, (_, i) => `brand_${String(i + 1).padStart(2, '0')}`);
  const products: Product[] = [];
  for (let id = 1; id <= count; id++) {
    const category = rng.int(CATEGORIES.length);
    const cat = CATEGORIES[category]!;
    // Most products exist before the shop opens; the rest launch over the two years.
    const created = rng.chance(0.7)
      ? start - rng.int(365) * DAY_MS
      : start + rng.uniform() * (end - start - 30 * DAY_MS);
    const adjective = rng.pick(ADJECTIVES);
    products.push({
      id,
      category,
      brand: rng.chance(0.03) ? null : brands[(category * 5 + rng.int(5)) % brands.length]!,
      price: Math.round(cat.price * Math.exp(0.5 * rng.normal()) * 100) / 100,
      created,
      quality: Math.min(1, Math.max(0, 0.7 + 0.2 * rng.normal())),
      popularity: 0,
      title: `${adjective} ${rng.pick(cat.nouns)}`,
    });
  }
  // Zipf-like popularity over a random ranking.
  const ranks = products.map((_, i) => i);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
  }
  products.forEach((p, i) => (p.popularity = Math.pow(ranks[i]! + 1, -0.8)));
  return products;
}

interface OrderRecord {
  t: number;
  customer: number;
  channel: string;
  deliveryDays: number;
  lines: { product: Product; quantity: number; unitPrice: number }[];
}

interface ReviewRecord {
  t: number;
  customer: number;
  product: number;
  rating: number;
}

/** Simulates every customer's life and returns the five tables. */
function simulate(
  rng: Random,
  products: Product[],
  numCustomers: number,
  start: number,
  end: number,
): Record<string, CsvTable> {
  const byCategory = CATEGORIES.map((_, c) => products.filter((p) => p.category === c));
  const customers = new CsvTable(['customer_id', 'signup_time', 'country', 'age', 'source']);
  const orders: OrderRecord[] = [];
  const reviews: ReviewRecord[] = [];
  const peakSeason = 1.25 * 1.7;

  for (let id = 1; id <= numCustomers; id++) {
    const signup = rng.chance(0.4)
      ? start - rng.uniform() * 365 * DAY_MS
      : start + rng.uniform() * (end - start - 30 * DAY_MS);
    const source = rng.weighted(SOURCES, [35, 45, 20]);
    const age = rng.chance(0.05) ? null : 18 + Math.min(62, Math.floor(rng.exponential(18)));
    customers.add([id, timestamp(signup), rng.weighted(COUNTRIES, COUNTRY_WEIGHTS), age, source]);

    // Orders per 30 days; referral customers buy more, ad-acquired ones less.
    let rate =
      Math.exp(0.7 * rng.normal()) * (source === 'referral' ? 1.3 : source === 'ads' ? 0.7 : 1);
    const favourites = [rng.int(CATEGORIES.length), rng.int(CATEGORIES.length)];
    const bought: Product[] = [];
    let t = Math.max(signup, start);
    let count = 0;

    for (;;) {
      // Poisson arrivals with seasonal intensity, by thinning.
      t += rng.exponential((30 * DAY_MS) / (rate * peakSeason));
      if (t >= end) break;
      if (!rng.chance(seasonality(t) / peakSeason)) continue;

      const order = makeOrder(rng, id, t, favourites, bought, byCategory);
      if (order.lines.length === 0) continue;
      orders.push(order);
      count++;

      const late = order.deliveryDays > 6;
      let rating = 0;
      if (rng.chance(late ? 0.55 : 0.25)) {
        const line = rng.pick(order.lines);
        const score = 1 + 4 * line.product.quality + 0.8 * rng.normal() - (late ? 1.5 : 0);
        rating = Math.min(5, Math.max(1, Math.round(score)));
        const when = t + (order.deliveryDays + 1 + rng.int(10)) * DAY_MS;
        if (when < end) reviews.push({ t: when, customer: id, product: line.product.id, rating });
      }

      // Churn after an order: bad experiences raise the chance, loyalty lowers it.
      const stop =
        0.05 +
        (late ? 0.15 : 0) +
        (rating > 0 && rating <= 2 ? 0.25 : 0) -
        0.006 * Math.min(count, 6);
      if (rng.chance(stop)) break;
      rate *= Math.exp(0.1 * rng.normal());
    }
  }

  return {
    customers,
    products: productTable(products),
    ...orderTables(orders),
    reviews: reviewTable(reviews),
  };
}

function makeOrder(
  rng: Random,
  customer: number,
  t: number,
  favourites: number[],
  bought: Product[],
  byCategory: Product[][],
): OrderRecord {
  const lines: OrderRecord['lines'] = [];
  const numLines = 1 + rng.poisson(0.7);
  const month = new Date(t).getUTCMonth();
  for (let i = 0; i < numLines; i++) {
    let product: Product | undefined;
    if (bought.length > 0 && rng.chance(0.35)) {
      // Repeat purchase, biased towards recent ones.
      product = bought[Math.max(0, bought.length - 1 - rng.int(Math.min(10, bought.length)))];
    } else {
      const category = rng.chance(0.75) ? rng.pick(favourites) : rng.int(byCategory.length);
      const available = byCategory[category]!.filter((p) => p.created <= t);
      if (available.length === 0) continue;
      const weights = available.map((p) => p.popularity * (t - p.created < 60 * DAY_MS ? 4 : 1));
      product = rng.weighted(available, weights);
    }
    if (product === undefined || lines.some((l) => l.product === product)) continue;
    bought.push(product);
    const discount = month >= 10 ? 0.85 : 1;
    lines.push({
      product,
      quantity: 1 + rng.poisson(0.25),
      unitPrice: Math.round(product.price * discount * 100) / 100,
    });
  }
  const deliveryDays = 1 + rng.poisson(2) + (rng.chance(0.08) ? 5 + rng.int(6) : 0);
  return { t, customer, channel: rng.weighted(CHANNELS, [50, 30, 20]), deliveryDays, lines };
}

function productTable(products: Product[]): CsvTable {
  const table = new CsvTable(['product_id', 'category', 'brand', 'price', 'created_at', 'title']);
  for (const p of products) {
    table.add([
      p.id,
      CATEGORIES[p.category]!.name,
      p.brand,
      p.price,
      timestamp(p.created),
      p.title,
    ]);
  }
  return table;
}

function orderTables(records: OrderRecord[]): { orders: CsvTable; order_items: CsvTable } {
  records.sort((a, b) => a.t - b.t);
  const orders = new CsvTable([
    'order_id',
    'customer_id',
    'order_time',
    'channel',
    'total',
    'delivery_days',
  ]);
  const items = new CsvTable([
    'item_id',
    'order_id',
    'customer_id',
    'product_id',
    'quantity',
    'unit_price',
    'ordered_at',
  ]);
  records.forEach((o, i) => {
    const orderId = i + 1;
    const total = o.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
    const when = timestamp(o.t);
    orders.add([
      orderId,
      o.customer,
      when,
      o.channel,
      Math.round(total * 100) / 100,
      o.deliveryDays,
    ]);
    for (const l of o.lines) {
      items.add([items.rows + 1, orderId, o.customer, l.product.id, l.quantity, l.unitPrice, when]);
    }
  });
  return { orders, order_items: items };
}

function reviewTable(records: ReviewRecord[]): CsvTable {
  records.sort((a, b) => a.t - b.t);
  const table = new CsvTable([
    'review_id',
    'customer_id',
    'product_id',
    'review_time',
    'rating',
    'body',
  ]);
  records.forEach((r, i) => {
    const texts = REVIEW_TEXT[r.rating]!;
    table.add([
      i + 1,
      r.customer,
      r.product,
      timestamp(r.t),
      r.rating,
      texts[(r.customer + i) % texts.length]!,
    ]);
  });
  return table;
}

// SPDX-License-Identifier: Apache-2.0
// Generated databases whose signal lies only in extra columns (text, multicategorical,
// embedding), built straight into the native stores plus ExtraColumns.
//
// reviews: users (static, no features) and their reviews (timed). At each anchor a user churns
// or not (a fair coin per user and anchor: nothing about the user predicts it), and writes three
// reviews in the 29 days before. Every review has a text, a tag list, an 8-float vector and a
// noise number; the churn signal is planted in one of the three (`signal`), the other two are
// noise: churners' texts mostly say "broken" or "late", their tags mostly hold tag 3 ("defect"),
// their vectors are shifted along the first dimension.
//
// textLeak: users without features and one `outcome` row per (user, anchor) whose text says the
// anchor's label ("broken late" or "great fast"), timed one day after the anchor (`leak`: never
// visible when predicting) or one day before it (`visible`: learnable).
import { Rng } from '../../src/gnn/random.js';
import { ColumnStore } from '../../src/store/column-store.js';
import { GraphStore } from '../../src/store/graph-store.js';
import {
  embeddingColumn,
  multiCategoricalColumn,
  textColumn,
  type ExtraColumns,
} from '../../src/train/extra-columns.js';
import type { LabelSet } from '../../src/train/trainer.js';
import { DAY, T0, type SyntheticDb } from './synthetic.js';

export interface ExtraDb extends SyntheticDb {
  extra: ExtraColumns;
}

export type Signal = 'text' | 'multicategorical' | 'embedding';

const FILLER = ['the', 'product', 'order', 'was', 'ok', 'box', 'service', 'price', 'again', 'my'];
const BAD = ['broken', 'late'];
const GOOD = ['great', 'fast', 'nice', 'perfect'];

function labelSets(rows: { user: number; day: number; label: number }[]) {
  const make = (lo: number, hi: number): LabelSet => {
    const r = rows.filter((x) => x.day >= lo && x.day < hi);
    return {
      entities: Int32Array.from(r, (x) => x.user),
      times: BigInt64Array.from(r, (x) => T0 + BigInt(x.day) * DAY),
      labels: Float64Array.from(r, (x) => x.label),
    };
  };
  return { train: make(0, 240), validation: make(240, 300), test: make(300, 1000) };
}

async function build(
  users: number,
  child: string,
  owner: number[],
  times: bigint[],
  extra: ExtraColumns,
  noise: Float32Array,
  rows: { user: number; day: number; label: number }[],
): Promise<ExtraDb> {
  const src = Int32Array.from(owner.keys());
  const dst = Int32Array.from(owner);
  const graph = await GraphStore.build(
    {
      nodeTypes: [
        { name: 'users', count: users },
        { name: child, count: owner.length, time: BigInt64Array.from(times) },
      ],
      edgeTypes: [
        { src: child, relation: 'f2p_user', dst: 'users', srcIds: src, dstIds: dst },
        { src: 'users', relation: 'rev_f2p_user', dst: child, srcIds: dst, dstIds: src },
      ],
    },
    { threads: 1 },
  );
  const columns = ColumnStore.load([
    { nodeType: 'users', count: users, columns: [] },
    {
      nodeType: child,
      count: owner.length,
      columns: [{ name: 'noise', kind: 'float', values: noise }],
    },
  ]);
  return {
    graph,
    columns,
    extra,
    ...labelSets(rows),
    window: 30n * DAY,
    close() {
      graph.close();
      columns.close();
    },
  };
}

/** The reviews database with its churn signal in the `signal` column only. */
export async function reviewsDb(
  signal: Signal,
  options: { users?: number; seed?: number; textBuckets?: number } = {},
): Promise<ExtraDb> {
  const users = options.users ?? 160;
  const rng = new Rng(options.seed ?? 5);
  const pick = <T>(xs: readonly T[]) => xs[rng.int(xs.length)]!;
  const rows: { user: number; day: number; label: number }[] = [];
  const owner: number[] = [];
  const times: bigint[] = [];
  const texts: (string | null)[] = [];
  const tags: (number[] | null)[] = [];
  const vectors: (number[] | null)[] = [];
  for (let day = 30; day <= 360; day += 30) {
    for (let u = 0; u < users; u++) {
      const churn = rng.int(2);
      rows.push({ user: u, day, label: churn });
      // Three reviews in the 29 days before the anchor; the signal is in the planted kind only.
      const p = (kind: Signal) => (kind !== signal ? 0.5 : churn === 1 ? 0.7 : 0.15);
      for (let k = 0; k < 3; k++) {
        owner.push(u);
        times.push(T0 + BigInt(day) * DAY - BigInt(1 + rng.int(29 * 24)) * (DAY / 24n));

        const words = Array.from({ length: 3 + rng.int(5) }, () => pick(FILLER));
        const mood = rng.uniform() < p('text') ? pick(BAD) : pick(GOOD);
        words.splice(rng.int(words.length), 0, mood);
        texts.push(rng.uniform() < 0.05 ? null : words.join(' '));

        const list = Array.from({ length: 1 + rng.int(3) }, () => 4 + rng.int(16));
        if (rng.uniform() < p('multicategorical')) list.push(3);
        tags.push(rng.uniform() < 0.05 ? null : list);

        const v = Array.from({ length: 8 }, () => rng.normal());
        if (signal === 'embedding' && churn === 1) v[0]! += 1.5;
        vectors.push(rng.uniform() < 0.05 ? null : v);
      }
    }
  }
  const extra: ExtraColumns = {
    tables: new Map([
      [
        'reviews',
        {
          nodeType: 'reviews',
          rows: owner.length,
          text: [textColumn('body', texts, { buckets: options.textBuckets ?? 4096 })],
          multicategorical: [multiCategoricalColumn('tags', tags, 20)],
          embedding: [embeddingColumn('vector', vectors)],
        },
      ],
    ]),
  };
  const noise = Float32Array.from(owner, () => rng.normal());
  return build(users, 'reviews', owner, times, extra, noise, rows);
}

/** The text leak database; `visible` times each outcome row before its anchor instead. */
export async function textLeakDb(
  mode: 'leak' | 'visible',
  options: { users?: number; seed?: number } = {},
): Promise<ExtraDb> {
  const users = options.users ?? 160;
  const rng = new Rng(options.seed ?? 6);
  const rows: { user: number; day: number; label: number }[] = [];
  const owner: number[] = [];
  const times: bigint[] = [];
  const texts: string[] = [];
  for (let day = 30; day <= 360; day += 30) {
    for (let u = 0; u < users; u++) {
      const label = rng.int(2);
      rows.push({ user: u, day, label });
      owner.push(u);
      times.push(T0 + BigInt(day) * DAY + (mode === 'leak' ? DAY : -DAY));
      texts.push(label === 1 ? 'it arrived broken and late' : 'it arrived great and fast');
    }
  }
  const extra: ExtraColumns = {
    tables: new Map([
      [
        'outcome',
        {
          nodeType: 'outcome',
          rows: owner.length,
          text: [textColumn('note', texts, { buckets: 4096 })],
          multicategorical: [],
          embedding: [],
        },
      ],
    ]),
  };
  const noise = Float32Array.from(owner, () => rng.normal());
  return build(users, 'outcome', owner, times, extra, noise, rows);
}

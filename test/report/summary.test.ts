// SPDX-License-Identifier: Apache-2.0
// The report's header says how long training took and how long the whole run took, as the CLI
// does (not the sum of the epochs under another name); the warnings of the run come first; the
// splits table shows each split's labels.
import { describe, expect, it } from 'vitest';
import { renderReport, type ReportInput } from '../../src/report/html.js';

function input(extra: Partial<ReportInput> = {}): ReportInput {
  return {
    title: 'summary',
    query: 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id',
    task: 'binary',
    createdAt: new Date(Date.UTC(2026, 0, 1)),
    plan: {},
    config: {},
    splits: [
      { name: 'train', anchors: 19, examples: 228, labelSummary: '51.8% positive' },
      { name: 'validation', anchors: 2, examples: 24, labelSummary: '54.2% positive' },
      { name: 'test', anchors: 2, examples: 24, labelSummary: '41.7% positive' },
    ],
    metrics: [],
    validationMetric: 'auroc',
    history: [0, 1, 2].map((epoch) => ({ epoch, trainLoss: 0.6, validation: 0.7, seconds: 0.7 })),
    outputs: { kind: 'binary', labels: [0, 1], scores: [0.2, 0.7] },
    ...extra,
  };
}

const meta = (html: string) => /<p class="meta">([^<]*)<\/p>/.exec(html)![1];

describe('report summary', () => {
  it('names training and total time with labels, as the CLI prints them', () => {
    const html = renderReport(input({ seconds: { training: 2.14, total: 5.08 } }));
    expect(meta(html)).toBe(
      'binary task · created 2026-01-01T00:00:00.000Z · 3 epochs · training 2.1 s · total 5.1 s ' +
        '(data, labels, training, evaluation)',
    );
  });

  it('sums the epochs of a report made without the run times', () => {
    expect(meta(renderReport(input()))).toMatch(/· 3 epochs in 2\.1 s$/);
  });

  it('shows the warnings first, escaped, and nothing when there are none', () => {
    const html = renderReport(input({ warnings: ['the test split has only 24 <examples>'] }));
    const box = html.indexOf('<div class="warnings">');
    expect(box).toBeGreaterThan(0);
    expect(box).toBeLessThan(html.indexOf('<h2>Query</h2>'));
    expect(html).toContain('<li>the test split has only 24 &lt;examples&gt;</li>');
    expect(renderReport(input({ warnings: [] }))).not.toContain('class="warnings"');
  });

  it('fills the labels column of every split', () => {
    const html = renderReport(input());
    for (const [split, labels] of [
      ['train', '51.8% positive'],
      ['validation', '54.2% positive'],
      ['test', '41.7% positive'],
    ]) {
      expect(html).toMatch(
        new RegExp(`<tr><td>${split}</td><td>\\d+</td><td>\\d+</td><td>${labels}</td></tr>`),
      );
    }
  });
});

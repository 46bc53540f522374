// The training report: one self-contained HTML file that renders in a real browser (headless
// Chromium from Debian) without console errors, for every task kind.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/demo/random.js';
import {
  renderReport,
  rocPoints,
  type ReportInput,
  type ReportOutputs,
} from '../../src/report/html.js';

const CHROMIUM = process.env.PREQUEL_CHROMIUM ?? '/usr/bin/chromium';

function sampleInput(outputs: ReportOutputs, task: ReportInput['task']): ReportInput {
  return {
    title: `prequel report: ${task} <test & "escape">`,
    query: 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id',
    task,
    createdAt: new Date(Date.UTC(2026, 11, 3)),
    plan: { entity: 'customers.customer_id', window: '(t, t + 30 days]' },
    sql: 'SELECT 1 WHERE 2 < 3',
    config: { channels: 64, layers: 2, lr: 0.005 },
    splits: [
      { name: 'train', anchors: 20, examples: 18000, labelSummary: 'positive rate 0.31' },
      { name: 'test', anchors: 2, examples: 1900 },
    ],
    metrics: [
      {
        split: 'test',
        model: { auroc: 0.81, ap: 0.6 },
        baselines: [{ name: 'majority', values: { auroc: 0.5, ap: null } }],
        notes: ['ap is undefined for the baseline'],
      },
    ],
    validationMetric: 'auroc',
    history: [1, 2, 3, 4].map((epoch) => ({
      epoch,
      trainLoss: 1 / epoch,
      validation: 0.6 + epoch / 20,
      seconds: 1.5,
    })),
    outputs,
  };
}

const rng = new Random(3);
const labels = Array.from({ length: 300 }, () => (rng.chance(0.3) ? 1 : 0));
const cases: { task: ReportInput['task']; outputs: ReportOutputs }[] = [
  {
    task: 'binary',
    outputs: { kind: 'binary', labels, scores: labels.map((l) => 0.3 * l + rng.uniform()) },
  },
  {
    task: 'regression',
    outputs: {
      kind: 'regression',
      targets: labels.map(() => 10 * rng.uniform()),
      predictions: labels.map(() => 10 * rng.uniform()),
    },
  },
  {
    task: 'ranking',
    outputs: {
      kind: 'ranking',
      precisionAtK: [1, 2, 5, 10].map((k) => ({ k, value: 0.5 / k })),
      truthSizes: labels.map(() => 1 + rng.int(5)),
    },
  },
  {
    task: 'multiclass',
    outputs: {
      kind: 'multiclass',
      labels: labels.map(() => rng.int(3)),
      predicted: labels.map(() => rng.int(3)),
      classNames: ['a', 'b', 'c'],
    },
  },
];

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run scripts/setup-debian.sh (or set PREQUEL_CHROMIUM)`,
    );
  }
  dir = mkdtempSync(path.join(tmpdir(), 'prequel-report-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('HTML report', () => {
  it('computes the ROC curve from (0,0) to (1,1) with tied scores grouped', () => {
    expect(rocPoints([1, 0, 1, 0], [0.9, 0.5, 0.5, 0.1])).toEqual([
      { x: 0, y: 0 },
      { x: 0, y: 0.5 },
      { x: 0.5, y: 1 },
      { x: 1, y: 1 },
    ]);
  });

  it.each(cases)(
    'renders a $task report in Chromium without console errors',
    async ({ task, outputs }) => {
      const html = renderReport(sampleInput(outputs, task));
      expect(html).not.toMatch(/<script|(src|href)="(https?:)?\/\//);
      expect(html).toContain('&lt;test &amp; &quot;escape&quot;&gt;');
      const file = path.join(dir, `${task}.html`);
      writeFileSync(file, html);

      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      try {
        await page.goto(`file://${file}`);
        const svgs = await page.locator('svg').count();
        expect(svgs).toBeGreaterThanOrEqual(task === 'multiclass' ? 3 : 4);
        const headings = await page.locator('h2').allTextContents();
        expect(headings).toEqual([
          'Query',
          'Plan',
          'Splits',
          'Metrics',
          'Learning curves',
          'Evaluation',
          'Label distribution',
          'Model configuration',
        ]);
        const shot = path.join(dir, `${task}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        expect(statSync(shot).size).toBeGreaterThan(20_000);
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );
});

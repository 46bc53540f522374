// SPDX-License-Identifier: Apache-2.0
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressRenderer } from '../../src/control/cli/progress.js';
import type { JobEvent } from '../../src/control/jobs/events.js';

const at = '2026-01-01T00:00:00.000Z';
const base = { jobId: '7', kind: 'train', at };
const events: JobEvent[] = [
  { ...base, type: 'state', state: 'running', error: null },
  ...[0.01, 0.02, 0.15, 0.16, 0.5, 1].map((fraction): JobEvent => ({
    ...base,
    type: 'progress',
    fraction,
    message: 'epoch',
  })),
  { ...base, type: 'log', seq: 1, level: 'info', message: 'best auroc 0.8' },
  { ...base, type: 'state', state: 'succeeded', error: null },
];

function sink(tty: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    }),
    {
      isTTY: tty,
      columns: 80,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    },
  );
  return { stream, text: () => text };
}

describe('progress renderer', () => {
  it('prints plain lines at 10% steps when not a terminal', () => {
    const out = sink(false);
    const renderer = createProgressRenderer({ stream: out.stream });
    for (const e of events) renderer.event(e);
    renderer.stop();
    expect(out.text().trim().split('\n')).toEqual([
      'job 7 train: running',
      'job 7 train: 1% epoch',
      'job 7 train: 15% epoch',
      'job 7 train: 50% epoch',
      'job 7 train: 100% epoch',
      'job 7 train: [info] best auroc 0.8',
      'job 7 train: succeeded',
    ]);
  });

  it('prints JSON lines with --json and a bar on a terminal', () => {
    const json = sink(false);
    const renderer = createProgressRenderer({ stream: json.stream, json: true });
    for (const e of events) renderer.event(e);
    expect(
      json
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(events);

    const tty = sink(true);
    const bar = createProgressRenderer({ stream: tty.stream });
    for (const e of events) bar.event(e);
    bar.stop();
    expect(tty.text()).toContain('100%');
    expect(tty.text()).toContain('job 7 train: succeeded');
  });

  it("shows a job's warnings above the bar on a terminal, not its info lines", () => {
    const tty = sink(true);
    const bar = createProgressRenderer({ stream: tty.stream });
    const log = (seq: number, level: 'info' | 'warn', message: string): JobEvent => ({
      ...base,
      type: 'log',
      seq,
      level,
      message,
    });
    for (const e of [
      events[0]!,
      events[1]!,
      log(1, 'warn', 'the train split has a single class (0 positive, 9 negative)'),
      log(2, 'info', 'stage built'),
      events[5]!,
      events[events.length - 1]!,
    ]) {
      bar.event(e);
    }
    bar.stop();
    expect(tty.text()).toContain(
      'job 7 train: [warn] the train split has a single class (0 positive, 9 negative)\n',
    );
    expect(tty.text()).not.toContain('stage built');
    expect(tty.text()).toContain('job 7 train: succeeded');
  });
});

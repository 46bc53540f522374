// SPDX-License-Identifier: Apache-2.0
// Renders job events on a terminal: a progress bar (cli-progress) when the stream is a TTY,
// plain lines otherwise (CI logs, pipes), JSON lines with --json. Used by every long command.
// The bar shows a job's warnings and errors above it; plain lines show every log line.
import cliProgress from 'cli-progress';
import type { JobEvent } from '../jobs/events.js';
import { TERMINAL_STATES } from '../jobs/events.js';

export interface ProgressRenderer {
  event(event: JobEvent): void;
  stop(): void;
}

export interface ProgressRendererOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  json?: boolean;
  /** Force the TTY or plain style instead of detecting it. */
  tty?: boolean;
  /** Print job log lines as they arrive (plain and JSON styles). */
  logs?: boolean;
}

/** Plain style prints progress when it crosses a step of this many percent. */
const PLAIN_STEP_PERCENT = 10;

export function createProgressRenderer(options: ProgressRendererOptions = {}): ProgressRenderer {
  const stream = options.stream ?? process.stderr;
  if (options.json === true) return jsonRenderer(stream);
  const tty = options.tty ?? stream.isTTY === true;
  return tty ? barRenderer(stream) : plainRenderer(stream, options.logs ?? true);
}

function jsonRenderer(stream: NodeJS.WritableStream): ProgressRenderer {
  return {
    event: (e) => void stream.write(JSON.stringify(e) + '\n'),
    stop: () => {},
  };
}

function plainRenderer(stream: NodeJS.WritableStream, logs: boolean): ProgressRenderer {
  let lastStep = -1;
  let lastMessage: string | null = null;
  const write = (e: JobEvent, text: string) => stream.write(`job ${e.jobId} ${e.kind}: ${text}\n`);
  return {
    event(e) {
      if (e.type === 'state') {
        const error = e.error === null ? '' : ` [${e.error.code}] ${e.error.message}`;
        write(e, `${e.state}${error}`);
      } else if (e.type === 'log') {
        if (logs) write(e, `[${e.level}] ${e.message}`);
      } else {
        const percent = Math.floor(e.fraction * 100);
        const step = Math.floor(percent / PLAIN_STEP_PERCENT);
        if (step === lastStep && e.message === lastMessage) return;
        if (step === lastStep && percent < 100) return;
        lastStep = step;
        lastMessage = e.message;
        write(e, `${percent}%${e.message === null ? '' : ` ${e.message}`}`);
      }
    },
    stop: () => {},
  };
}

function barRenderer(stream: NodeJS.WritableStream): ProgressRenderer {
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: '{label} [{bar}] {percentage}% {message}',
      hideCursor: true,
      clearOnComplete: false,
      forceRedraw: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const start = (e: JobEvent) => {
    if (started) return;
    started = true;
    bar.start(100, 0, { label: `job ${e.jobId} ${e.kind}`, message: '' });
  };
  return {
    event(e) {
      if (e.type === 'log') {
        if (e.level !== 'warn' && e.level !== 'error') return;
        // Above the bar: clear its line, print, draw the bar again below.
        stream.write(`\r\x1b[2Kjob ${e.jobId} ${e.kind}: [${e.level}] ${e.message}\n`);
        if (started) bar.render();
      } else if (e.type === 'progress') {
        start(e);
        bar.update(Math.round(e.fraction * 100), { message: e.message ?? '' });
      } else if (e.type === 'state') {
        if (e.state === 'running') start(e);
        if (!TERMINAL_STATES.has(e.state)) return;
        if (started) {
          if (e.state === 'succeeded') bar.update(100, { message: '' });
          bar.stop();
          started = false;
        }
        const error = e.error === null ? '' : ` [${e.error.code}] ${e.error.message}`;
        stream.write(`job ${e.jobId} ${e.kind}: ${e.state}${error}\n`);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

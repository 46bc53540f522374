// SPDX-License-Identifier: Apache-2.0
// What every benchmark prints around its numbers: the machine, runtime, date and load, and
// markdown tables.
import os from 'node:os';

/** Lines naming the CPU, cores, memory, Node version, date and load average. */
export function machineLines(): string[] {
  const cpus = os.cpus();
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return [
    `machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${gib} GiB`,
    `node ${process.version}, ${os.platform()} ${os.arch()}, ${new Date().toISOString()}`,
    `load average ${load}`,
  ];
}

/** One markdown table row. */
export function markdownRow(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A markdown table: header, separator and rows. */
export function markdownTable(header: string[], rows: (string | number)[][]): string[] {
  return [markdownRow(header), markdownRow(header.map(() => '---')), ...rows.map(markdownRow)];
}

// SPDX-License-Identifier: Apache-2.0
// Formats a query plan for people (text) or machines (JSON): task type, entity set, anchors and
// split sizes, the generated SQL with its bound parameters, and the sampling and model defaults.
import type { SqlValue } from '../../data/connector.js';
import type { QueryPlan, SplitStep } from './plan.js';
import type { CompiledSql } from './sql.js';
import { formatDuration, formatTimestamp } from './time.js';
import { plural } from '../../text/plural.js';

export interface ExplainOptions {
  json?: boolean;
}

function param(v: SqlValue): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return v;
}

function sqlJson(s: CompiledSql) {
  return { sql: s.sql, params: s.params.map(param), columns: s.columns };
}

function splitJson(s: SplitStep) {
  return {
    anchors: s.count,
    first: s.first === null ? null : formatTimestamp(s.first),
    last: s.last === null ? null : formatTimestamp(s.last),
    step: formatDuration(s.anchors.step),
    sql: sqlJson(s.sql),
  };
}

/** The plan as plain JSON-able data (timestamps formatted, bigints as strings). */
export function planToJson(plan: QueryPlan): Record<string, unknown> {
  const s = plan.splits;
  return {
    query: plan.source,
    task: {
      type: plan.task.type,
      topK: plan.task.topK,
      forecastSteps: plan.task.forecastSteps,
      rankedTable: plan.task.rankedTable,
      metrics: plan.task.metrics,
    },
    entity: plan.entity,
    target: {
      text: plan.target.text,
      horizon: plan.target.horizon === null ? null : formatDuration(plan.target.horizon),
    },
    assuming: plan.assuming,
    temporal: plan.temporal,
    dialect: plan.dialect,
    splits:
      s === null
        ? null
        : {
            kind: s.kind,
            cutoff: formatTimestamp(s.cutoff),
            train: splitJson(s.train),
            validation: splitJson(s.validation),
            test: splitJson(s.test),
          },
    staticLabels: plan.staticLabels === null ? null : sqlJson(plan.staticLabels),
    prediction: {
      anchor: plan.prediction.anchor === null ? null : formatTimestamp(plan.prediction.anchor),
      sql: sqlJson(plan.prediction.sql),
    },
    defaults: plan.defaults,
    warnings: plan.warnings.map((w) => ({
      code: w.code,
      severity: w.severity,
      message: w.message,
    })),
  };
}

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function sqlText(title: string, s: CompiledSql): string {
  const params = s.params.map((p, i) => `$${i + 1}=${JSON.stringify(param(p))}`).join(' ');
  return `${title}\n${indent(s.sql)}\n    -- params: ${params || 'none'}`;
}

/** Formats `plan` as text (default) or as indented JSON. */
export function explainPlan(plan: QueryPlan, options: ExplainOptions = {}): string {
  if (options.json === true) return JSON.stringify(planToJson(plan), null, 2);
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`${k.padEnd(12)}${v}`);
  const t = plan.task;
  const extra = [
    t.topK === null ? '' : `top ${t.topK}`,
    t.forecastSteps === null ? '' : plural(t.forecastSteps, 'timeframe'),
    t.rankedTable === null ? '' : `ranks ${t.rankedTable}`,
  ].filter((x) => x !== '');
  const metrics =
    t.metrics.length > 0 ? t.metrics.join(', ') : 'none (the trainer cannot learn it)';
  row('task', `${t.type}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}; metrics ${metrics}`);
  const horizon =
    plan.target.horizon === null ? 'static' : `horizon ${formatDuration(plan.target.horizon)}`;
  row('target', `${plan.target.text}  [${horizon}]`);
  const ids =
    plan.entity.ids > 0 ? `, ${plural(plan.entity.ids, 'explicit id')} for prediction` : '';
  const filter = plan.entity.filter === null ? ' (all rows)' : ` WHERE ${plan.entity.filter}`;
  row('entity', `${plan.entity.table}.${plan.entity.key}${filter}${ids}`);
  if (plan.assuming !== null)
    row('assuming', `${plan.assuming} (filters training rows; taken as true at prediction)`);
  const s = plan.splits;
  if (s !== null) {
    const kind = s.kind === 'explicit' ? 'explicit start times' : 'fractions of the anchors';
    row(
      'anchors',
      `${s.train.count + s.validation.count + s.test.count} (${kind}); ` +
        `data cutoff for train and validation ${formatTimestamp(s.cutoff)}`,
    );
    for (const [name, step] of [
      ['train', s.train],
      ['validation', s.validation],
      ['test', s.test],
    ] as const) {
      const range =
        step.first === null
          ? 'none'
          : `${formatTimestamp(step.first)} .. ${formatTimestamp(step.last!)}`;
      const stepN = Math.abs(step.anchors.step.n);
      row(
        `  ${name}`,
        `${String(step.count).padStart(6)} ${step.count === 1 ? 'anchor ' : 'anchors'}  ` +
          // Anchors are listed ascending: the step between them reads as a positive duration.
          `${range}  step ${formatDuration({ ...step.anchors.step, n: stepN })}`,
      );
    }
  } else {
    row(
      'split',
      'static query: one row per entity with a label; 80/10/10 by entity time or key hash',
    );
  }
  const anchor =
    plan.prediction.anchor === null ? 'none (static)' : formatTimestamp(plan.prediction.anchor);
  const entities =
    plan.entity.filter === null
      ? `all ${plan.entity.table} rows present at that anchor (no WHERE)`
      : 'entities satisfying the WHERE at that anchor';
  row('predict', `anchor ${anchor}; ${entities}`);
  row('sampling', JSON.stringify(plan.defaults.sampling));
  row('model', JSON.stringify(plan.defaults.model));
  for (const w of plan.warnings) row('warning', `[${w.code}] ${w.message}`);
  lines.push('');
  if (s !== null) {
    lines.push(sqlText(`sql (train labels, ${plan.dialect})`, s.train.sql));
    lines.push(sqlText(`sql (validation labels, ${plan.dialect})`, s.validation.sql));
    lines.push(sqlText(`sql (test labels, ${plan.dialect})`, s.test.sql));
  }
  if (plan.staticLabels !== null)
    lines.push(sqlText(`sql (labels, ${plan.dialect})`, plan.staticLabels));
  lines.push(sqlText(`sql (prediction entities, ${plan.dialect})`, plan.prediction.sql));
  return lines.join('\n');
}

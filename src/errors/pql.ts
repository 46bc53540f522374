// SPDX-License-Identifier: Apache-2.0
// Errors of the pql domain: lexing, parsing, validation against the graph definition, planning.
// Each diagnostic of a query carries one of these codes; a query with errors throws
// PQL_INVALID_QUERY whose `diagnostics` list holds them all. Codes ending in a warning sense
// (PQL_WINDOW_CLIPPED, PQL_PARTIAL_WINDOW, PQL_LABELS_INCOMPLETE) are reported as warnings on the
// plan, not thrown.
import { defineErrors } from './registry.js';

export const pqlErrors = defineErrors({
  PQL_INVALID_QUERY: {
    status: 400,
    message: 'the query has {count} {count|error|errors}; first: {first}',
  },
  PQL_QUERY_TOO_LONG: {
    status: 400,
    message: 'the query is {length} characters long; expected at most {expected}',
  },
  PQL_INVALID_CHARACTER: {
    status: 400,
    message: 'unexpected character {text} at line {line}, column {column}; expected {expected}',
  },
  PQL_UNTERMINATED_STRING: {
    status: 400,
    message: 'unterminated string {text} at line {line}, column {column}; expected {expected}',
  },
  PQL_INVALID_ESCAPE: {
    status: 400,
    message: 'invalid escape {text} at line {line}, column {column}; expected {expected}',
  },
  PQL_INVALID_LITERAL: {
    status: 400,
    message: 'invalid literal {text} at line {line}, column {column}; expected {expected}',
  },
  PQL_KEYWORD_CASE: {
    status: 400,
    message:
      'keyword {text} at line {line}, column {column} mixes case; expected {expected} ' +
      '(keywords are all-lowercase or all-uppercase)',
  },
  PQL_UNEXPECTED_TOKEN: {
    status: 400,
    message: 'unexpected {text} at line {line}, column {column}; expected {expected}',
  },
  PQL_UNEXPECTED_END: {
    status: 400,
    message: 'the query ends at line {line}, column {column}; expected {expected}',
  },
  PQL_TOO_DEEP: {
    status: 400,
    message: 'conditions nest deeper than {expected} levels at line {line}, column {column}',
  },
  PQL_TOO_COMPLEX: {
    status: 400,
    message: 'the query has more than {expected} comparisons (at line {line}, column {column})',
  },
  PQL_EXPECTED_COMPARISON: {
    status: 400,
    message: '{text} at line {line}, column {column} is not a condition; expected {expected}',
  },
  PQL_UNKNOWN_TABLE: {
    status: 400,
    message: 'unknown table {text} at line {line}, column {column}; expected {expected}',
  },
  PQL_UNKNOWN_COLUMN: {
    status: 400,
    message: 'unknown column {text} at line {line}, column {column}; expected {expected}',
  },
  PQL_NOT_PRIMARY_KEY: {
    status: 400,
    message:
      'FOR EACH {text} at line {line}, column {column} is not a primary key; expected {expected}',
  },
  PQL_NOT_REACHABLE: {
    status: 400,
    message:
      'table of {text} at line {line}, column {column} is not reachable from the entity; ' +
      'expected {expected}',
  },
  PQL_AMBIGUOUS_LINK: {
    status: 400,
    message:
      '{text} at line {line}, column {column} links to the entity through several foreign keys; ' +
      'expected {expected}',
  },
  PQL_TABLE_EMPTY: {
    status: 400,
    message:
      'table {text} at line {line}, column {column} has no rows (rows: 0); expected {expected}',
  },
  PQL_NO_TIME_COLUMN: {
    status: 400,
    message:
      'the windowed aggregation {text} at line {line}, column {column} needs a time column; ' +
      'expected {expected}',
  },
  PQL_WINDOW_ORDER: {
    status: 400,
    message: 'window {text} at line {line}, column {column} is empty; expected {expected}',
  },
  PQL_WINDOW_NOT_INTEGER: {
    status: 400,
    message: 'window bound {text} at line {line}, column {column}; expected {expected}',
  },
  PQL_WINDOW_RANGE: {
    status: 400,
    message:
      'window bound {text} at line {line}, column {column} is too large; expected {expected}',
  },
  PQL_TARGET_PAST_WINDOW: {
    status: 400,
    message:
      'the target window {text} at line {line}, column {column} looks back; expected {expected}',
  },
  PQL_WHERE_FUTURE_WINDOW: {
    status: 400,
    message:
      'the entity filter window {text} at line {line}, column {column} looks ahead; expected ' +
      '{expected}',
  },
  PQL_ASSUMING_PAST_WINDOW: {
    status: 400,
    message:
      'the ASSUMING window {text} at line {line}, column {column} looks back; expected {expected}',
  },
  PQL_WILDCARD_NOT_COUNT: {
    status: 400,
    message: '{text} at line {line}, column {column} aggregates a wildcard; expected {expected}',
  },
  PQL_TYPE_MISMATCH: {
    status: 400,
    message: '{text} at line {line}, column {column} has the wrong type; expected {expected}',
  },
  PQL_CONSTANT_TYPE: {
    status: 400,
    message:
      'constant {text} at line {line}, column {column} has the wrong type; expected {expected}',
  },
  PQL_FILTER_COLUMN_TABLE: {
    status: 400,
    message:
      'the aggregation filter column {text} at line {line}, column {column} is from another ' +
      'table; expected {expected}',
  },
  PQL_NESTED_AGGREGATION: {
    status: 400,
    message: 'aggregation {text} at line {line}, column {column} is nested; expected {expected}',
  },
  PQL_UNPREDICTABLE_TARGET: {
    status: 400,
    message:
      'the target {text} at line {line}, column {column} cannot be predicted; expected {expected}',
  },
  PQL_STATIC_LIST_DISTINCT: {
    status: 400,
    message: '{text} at line {line}, column {column} has no window; expected {expected}',
  },
  PQL_STATIC_MIXED_TEMPORAL: {
    status: 400,
    message:
      'the static target is mixed with the time window {text} at line {line}, column {column}; ' +
      'expected {expected}',
  },
  PQL_RANK_NOT_KEY: {
    status: 400,
    message: '{text} at line {line}, column {column} cannot be ranked; expected {expected}',
  },
  PQL_RANK_WITHOUT_TOP: {
    status: 400,
    message: '{text} at line {line}, column {column} lacks TOP k; expected {expected}',
  },
  PQL_TOP_WITHOUT_RANK: {
    status: 400,
    message: '{text} at line {line}, column {column} lacks RANK; expected {expected}',
  },
  PQL_BAD_TOP_K: {
    status: 400,
    message: '{text} at line {line}, column {column}: k must be {expected}',
  },
  PQL_CLASSIFY_NOT_MULTICATEGORICAL: {
    status: 400,
    message:
      'CLASSIFY at line {line}, column {column} needs a set-valued target; expected {expected}',
  },
  PQL_MISSING_PROBLEM_TYPE: {
    status: 400,
    message: 'the set-valued target {text} at line {line}, column {column}; expected {expected}',
  },
  PQL_FORECAST_TARGET: {
    status: 400,
    message:
      'FORECAST needs a temporal numerical target, got {text} at line {line}, column {column}; ' +
      'expected {expected}',
  },
  PQL_FORECAST_RANGE: {
    status: 400,
    message: '{text} at line {line}, column {column} is out of range; expected {expected}',
  },
  PQL_ENTITY_FILTER_TARGET: {
    status: 400,
    message: '{text} at line {line}, column {column} is not allowed here; expected {expected}',
  },
  PQL_TASK_UNSUPPORTED: {
    status: 400,
    message:
      'the target {text} at line {line}, column {column} makes a task the trainer cannot learn ' +
      'yet; expected {expected}',
  },
  PQL_PLAN_OPTION: {
    status: 400,
    message: 'plan option {option} is {received}; expected {expected}',
  },
  PQL_NO_TIME_RANGE: {
    status: 400,
    message: 'the temporal query needs the data time range; expected {expected}',
  },
  PQL_TOO_FEW_ANCHORS: {
    status: 400,
    message:
      'only {received} anchor times fit between {dataStart} and {dataEnd} with step {step}; ' +
      'expected at least {expected}',
  },
  PQL_SPLIT_EMPTY: {
    status: 400,
    message: 'the {split} split has no anchor times: {reason}',
  },
  PQL_SPLIT_ORDER: {
    status: 400,
    message: 'split boundaries out of order: {reason}',
  },
  PQL_WINDOW_CROSSES_SPLIT: {
    status: 400,
    message:
      '{count} {split} {count|anchor has|anchors have} a target window ending after the {next} ' +
      'boundary {boundary} (last window ends {windowEnd}); rejected because boundary mode is ' +
      '"reject"',
  },
  PQL_WINDOW_CLIPPED: {
    status: 200,
    message:
      '{count} {split} {count|anchor|anchors} dropped: {count|its|their} target window would end ' +
      'after the {next} boundary {boundary}; the last kept anchor is {lastAnchor}',
  },
  PQL_DATA_ENDS_BEFORE_WINDOW: {
    status: 400,
    message:
      'the data ends at {dataEnd} but the last {split} window closes at {windowEnd}, {gap} ' +
      'later; to keep a partial last window, pass --allow-partial-window (CLI) or set ' +
      'allowPartialWindow (API and library options)',
  },
  PQL_WINDOW_AFTER_DATA: {
    status: 400,
    message:
      'the {split} window from {anchor} to {windowEnd} starts at or after the end of the data ' +
      '{dataEnd}, so it holds no data at all (a partial window must start before the data ends); ' +
      'give a {flag} before {dataEnd}',
  },
  PQL_LABELS_INCOMPLETE: {
    status: 200,
    message:
      'labels incomplete: {table}, which the target aggregates, ends at {tableEnd} (the data at ' +
      '{dataEnd}), but {count} {split} {count|anchor has a label window|anchors have label ' +
      'windows} closing after it, from anchor {anchor} (window to {windowEnd}); their labels ' +
      'miss events not yet in {table}. Use split times whose windows close by {tableEnd} ({flags})',
  },
  PQL_PARTIAL_WINDOW: {
    status: 200,
    message:
      'the last {split} window closes at {windowEnd} but the data ends at {dataEnd}, {gap} ' +
      'earlier; its labels see a partial window',
  },
});

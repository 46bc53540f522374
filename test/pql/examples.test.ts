// SPDX-License-Identifier: Apache-2.0
// Every example query of kumo-features.md §2.10 parses; the complete ones validate against a
// matching toy schema and compile to a plan with the expected task type. Fragments (target or
// filter parts printed alone) are completed with a FOR EACH clause; `{indices}` is a template
// placeholder in the source and is replaced by an id list.
import { describe, expect, it } from 'vitest';
import { PqlDiagnostics } from '../../src/control/pql/diagnostics.js';
import { parseQuery } from '../../src/control/pql/parser.js';
import { compilePlan } from '../../src/control/pql/plan.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { SCHEMAS } from './toy-schemas.js';

type Schema = keyof typeof SCHEMAS;
interface Example {
  query: string;
  schema: Schema;
  task: string | null;
  /** Set when the example is not valid as printed; the code validation gives. */
  invalid?: string;
}

const IDS = '(1, 2, 3)';
const E = (schema: Schema, task: string | null, query: string, invalid?: string): Example => ({
  schema,
  task,
  query: query.replace('({indices})', IDS),
  invalid,
});

const EXAMPLES: Example[] = [
  // Platform docs (kumo.ai).
  E(
    'RETAIL',
    'binary_classification',
    `PREDICT COUNT(transactions.*, 0, 30, days) = 0
FOR EACH customers.customer_id
WHERE COUNT(transactions.*, -90, 0, days) > 0`,
  ),
  E(
    'RETAIL',
    'regression',
    `PREDICT SUM(TRANSACTIONS.PRICE, 0, 30)
FOR EACH CUSTOMERS.CUSTOMER_ID
ASSUMING COUNT(NOTIFICATIONS.*, 0, 7) > 2`,
  ),
  E(
    'RETAIL',
    'multilabel_classification',
    `PREDICT LIST_DISTINCT(TRANSACTIONS.ARTICLE_ID, 0, 30) CLASSIFY
FOR EACH CUSTOMERS.CUSTOMER_ID`,
  ),
  E(
    'USERS',
    'link_prediction',
    'PREDICT LIST_DISTINCT(transaction.article_id, 0, 30) RANK TOP 12 FOR EACH user.user_id',
  ),
  E(
    'MISC',
    'multilabel_classification',
    'PREDICT target.multicategorical_column RANK TOP 20 FOR EACH target.id',
  ),
  E('USERS', 'regression', 'PREDICT SUM(PURCHASES.amount, 0, 30) FOR EACH users.user_id'),
  E(
    'USERS',
    null,
    'PREDICT LIST_DISTINCT(PURCHASES.item_category, 0, 14) FOR EACH users.user_id',
    'PQL_MISSING_PROBLEM_TYPE',
  ),
  E(
    'RETAIL',
    'multiclass_classification',
    'PREDICT CUSTOMERS.industry FOR EACH CUSTOMERS.CUSTOMER_ID',
  ),
  E('RETAIL', 'regression', 'PREDICT customers.age FOR EACH customers.customer_id'),
  E(
    'FRAUD',
    'binary_classification',
    'PREDICT fraud_reports.is_fraud FOR EACH transactions.id WHERE transactions.type = "bank transfer"',
  ),
  E(
    'USERS',
    'multiclass_classification',
    'PREDICT FIRST(purchases.type, 0, 7) FOR EACH users.user_id',
  ),
  E(
    'RETAIL',
    'link_prediction',
    'PREDICT LIST_DISTINCT(transactions.article_id, 0, 7) RANK TOP 10 FOR EACH customers.customer_id',
  ),
  E(
    'RETAIL',
    'multiclass_classification',
    'PREDICT TRANSACTIONS.LABEL FOR EACH TRANSACTIONS.TRANSACTION_ID',
  ),
  E(
    'USERS',
    'regression',
    `PREDICT COUNT(transaction.* WHERE transaction.amount > 100)
FOR EACH user.user_id WHERE user.country = 'US'`,
  ),
  E(
    'USERS',
    'regression',
    `PREDICT COUNT(transaction.*, 0, 30, days) FOR EACH user.user_id
WHERE (user.country = 'US' OR region.num_inhabitants < 10000) AND user.dietary = 'Vegetarian'`,
  ),
  E(
    'RETAIL',
    'regression',
    `PREDICT COUNT(transactions.*, 0, 10)
FOR EACH customers.customer_id
WHERE customer.date_joined < 2022-01-01 12:45:30`,
    'PQL_UNKNOWN_TABLE',
  ),
  E(
    'RETAIL',
    'regression',
    'PREDICT COUNT(transactions.*, 0, 10) FOR EACH customers.customer_id WHERE customers.date_joined < 2022-01-01 12:45:30',
  ),
  E(
    'RETAIL',
    'regression',
    'PREDICT LAST(LOAN.AMOUNT, 0, 30) = 2 FOR EACH CUSTOMERS.CUSTOMER_ID'.replace(
      'LAST(LOAN.AMOUNT, 0, 30) = 2',
      'LAST(LOAN.AMOUNT, 0, 30)',
    ),
  ),
  E(
    'RETAIL',
    'binary_classification',
    'PREDICT LAST(LOAN.AMOUNT, 0, 30) = 2 FOR EACH CUSTOMERS.CUSTOMER_ID',
  ),
  E('RETAIL', 'regression', 'PREDICT COUNT(LOAN.*, 0, 30) FOR EACH CUSTOMERS.CUSTOMER_ID'),
  E(
    'RETAIL',
    'binary_classification',
    `PREDICT LAST(LOAN.STATUS, 0, 30) NOT LIKE '%DENIED' FOR EACH CUSTOMERS.CUSTOMER_ID`,
  ),
  // SDK examples.
  E(
    'USERS',
    'forecasting',
    'PREDICT SUM(orders.amount, 0, 30, days) FORECAST 12 TIMEFRAMES FOR EACH users.user_id',
  ),
  E(
    'USERS',
    'regression',
    `PREDICT COUNT(orders.* WHERE orders.status = 'completed', 0, 30, days) FOR EACH users.user_id`,
  ),
  E(
    'USERS',
    'regression',
    `PREDICT SUM(orders.amount WHERE orders.category = 'electronics' AND orders.status = 'completed', 0, 30, days)
  FOR EACH users.user_id WHERE users.country IN ('US', 'CA')`,
  ),
  E(
    'RETAIL',
    'binary_classification',
    'PREDICT COUNT(transactions.*, 0, 10, days) = 0 FOR EACH customers.customer_id',
  ),
  E(
    'RETAIL',
    'binary_classification',
    'PREDICT transactions.fraud = 1 FOR EACH transactions.transaction_id',
  ),
  E(
    'RETAIL',
    'link_prediction',
    'PREDICT LIST_DISTINCT(transactions.article_id, 0, 60, days) RANK TOP 10 FOR EACH customers.customer_id',
  ),
  E(
    'USERS',
    'binary_classification',
    'PREDICT users.age > 30 FOR EACH users.user_id WHERE users.email IS NOT NULL',
  ),
  E(
    'USERS',
    'binary_classification',
    `PREDICT users.age > 30 FOR EACH users.user_id WHERE NOT users.status = 'inactive'`,
  ),
  // KumoRFM.
  E('USERS', 'regression', 'PREDICT users.age FOR users.user_id=8'),
  E('USERS', 'regression', 'PREDICT SUM(orders.price, 0, 30, days) FOR items.item_id=42'),
  E(
    'USERS',
    'binary_classification',
    'PREDICT COUNT(orders.*, 0, 90, days)=0 FOR users.user_id IN (42, 123)',
  ),
  E(
    'USERS',
    'link_prediction',
    'PREDICT LIST_DISTINCT(orders.item_id, 0, 30, days) RANK TOP 10 FOR users.user_id=123',
  ),
  E('USERS', 'binary_classification', 'PREDICT games.discount > 5 FOR games.app_id = 113020'),
  E(
    'USERS',
    'regression',
    'PREDICT SUM(reviews.is_recommended, 0, 12, months) FOR users.user_id = 11227231',
  ),
  E(
    'USERS',
    'regression',
    `PREDICT AVG(reviews.is_recommended, 0, 12, months) FOR games.app_id = 440
  WHERE COUNT(reviews.*, -12, 0, months) > 0`,
  ),
  E(
    'USERS',
    'regression',
    'PREDICT COUNT(reviews.* WHERE reviews.is_recommended=1,0,30, days) FOR games.app_id=263460',
  ),
  E(
    'USERS',
    'binary_classification',
    `PREDICT (users.age>40 OR users.location='US') AND (NOT users.gender='male') FOR EACH users.user_id`,
  ),
  E('USERS', 'binary_classification', 'PREDICT users.birthday>1990-01-01 FOR EACH users.user_id'),
  E(
    'RETAIL',
    'binary_classification',
    `PREDICT COUNT(transactions.price, 0, 3, months)>0 FOR EACH customers.customer_id
  WHERE SUM(transactions.price, -2, 0, months)>0.05`,
  ),
  E(
    'USERS',
    'binary_classification',
    'PREDICT COUNT(orders.*, 0, 30, days)>0 FOR EACH users.user_id ASSUMING COUNT(notifications.*, 0, 7, days)>0',
  ),
  E(
    'MISC',
    'binary_classification',
    'PREDICT MIN(qualifying.position, 0, 30, days)<=3 FOR EACH drivers.driverId',
  ),
  E(
    'MISC',
    'regression',
    `PREDICT SUM(review.price, 0, 91, days) FOR product.product_id IN ({indices})
  ASSUMING COUNT(review.*, 0, 91, days)>0`,
  ),
  E(
    'MISC',
    'regression',
    `PREDICT AVG(SearchStream.IsClick, 0, 4, days) FOR AdsInfo.AdID IN ({indices})
  ASSUMING SUM(SearchStream.IsClick, 0, 4, days)>0`,
  ),
  E(
    'STACK',
    'binary_classification',
    `PREDICT COUNT(votes.*, 0, 91, days)>0 OR COUNT(posts.*, 0, 91, days)>0 OR COUNT(comments.*, 0, 91, days)>0
  FOR users.Id IN ({indices})
  WHERE COUNT(votes.*, -INF, 0)>0 OR COUNT(posts.*, -INF, 0)>0 OR COUNT(comments.*, -INF, 0)>0`,
  ),
  E(
    'MISC',
    'forecasting',
    'PREDICT SUM(table.column, 0, 1, days) FORECAST 7 TIMEFRAMES FOR EACH entity_table.entity_id',
  ),
  E('MISC', 'binary_classification', 'PREDICT table.target=1 FOR EACH table.id'),
  E('USERS', 'regression', 'EVALUATE PREDICT COUNT(orders.*, 0, 30, days) FOR EACH users.user_id'),
  E(
    'USERS',
    'regression',
    'predict count(orders.*, 0, 30, days) for each users.user_id where users.age >= 18',
  ),
  E(
    'MISC',
    'regression',
    'PREDICT SUM(`table`.`column`, 0, 30, days) FOR EACH `entity_table`.`entity_id` # backticks',
  ),
];

const timeRange = {
  start: parseTimestampText('2015-01-01')!,
  end: parseTimestampText('2024-01-01')!,
};

/** The code of the first diagnostic `compile` throws, or 'none'. */
function firstDiagnostic(compile: () => unknown): string {
  try {
    compile();
  } catch (err) {
    if (err instanceof PqlDiagnostics) return err.diagnostics[0]!.code;
    throw err;
  }
  return 'none';
}

describe('the reference examples (kumo-features.md §2.10)', () => {
  it.each(EXAMPLES.map((e, i) => [i, e] as const))(
    'example %i parses and compiles',
    (_i, example) => {
      const ast = parseQuery(example.query);
      expect(ast.source).toBe(example.query);
      const graph = SCHEMAS[example.schema];
      if (example.invalid !== undefined) {
        expect(() => compilePlan(example.query, graph, { timeRange })).toThrow(
          expect.objectContaining({
            code: 'PQL_INVALID_QUERY',
            diagnostics: [expect.objectContaining({ code: example.invalid })],
          }),
        );
        return;
      }
      const plan = compilePlan(example.query, graph, { timeRange, requireTrainable: false });
      expect(plan.task.type).toBe(example.task);
      expect(plan.prediction.sql.sql).toContain('WITH anchors AS');
      // By default a plan compiles exactly when the trainer learns its task.
      const trainable = plan.splits !== null && plan.task.type !== 'forecasting';
      const refused = firstDiagnostic(() => compilePlan(example.query, graph, { timeRange }));
      expect(refused).toBe(trainable ? 'none' : 'PQL_TASK_UNSUPPORTED');
    },
  );
});

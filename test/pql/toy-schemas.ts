// SPDX-License-Identifier: Apache-2.0
// Toy graph definitions matching the example queries of kumo-features.md §2.10. Columns are
// written `name:code`: k id (int), i integer, n numerical (float), c categorical (string),
// x text, t timestamp, m multicategorical (string `A|B`), b boolean.
import type { ColumnDef, GraphDef, TableDef } from '../../src/data/graph-def.js';

const CODES: Record<string, Pick<ColumnDef, 'physical' | 'stype'>> = {
  k: { physical: 'int', stype: 'id' },
  i: { physical: 'int', stype: 'numerical' },
  n: { physical: 'float', stype: 'numerical' },
  c: { physical: 'string', stype: 'categorical' },
  x: { physical: 'string', stype: 'text' },
  t: { physical: 'timestamp', stype: 'timestamp' },
  m: { physical: 'string', stype: 'multicategorical' },
  b: { physical: 'boolean', stype: 'categorical' },
};

/** A table: `pk` and foreign keys are id columns; `time` names the time column or is null. */
export function table(
  name: string,
  pk: string | null,
  time: string | null,
  fks: Record<string, string>,
  cols: string,
): TableDef {
  const columns: ColumnDef[] = [];
  if (pk !== null) columns.push({ name: pk, ...CODES.k });
  for (const fk of Object.keys(fks)) if (fk !== pk) columns.push({ name: fk, ...CODES.k });
  if (time !== null) columns.push({ name: time, ...CODES.t });
  for (const spec of cols.split(/\s+/).filter((s) => s !== '')) {
    const [col, code] = spec.split(':');
    columns.push({ name: col, ...CODES[code] });
  }
  const foreignKeys = Object.entries(fks).map(([column, references]) => ({ column, references }));
  return { name, primaryKey: pk, foreignKeys, timeColumn: time, endTimeColumn: null, columns };
}

export const RETAIL: GraphDef = {
  version: 1,
  tables: [
    table('customers', 'customer_id', null, {}, 'industry:c age:i date_joined:t'),
    table('articles', 'article_id', null, {}, 'colour:c'),
    table(
      'transactions',
      'transaction_id',
      'ts',
      { customer_id: 'customers', article_id: 'articles' },
      'price:n type:c fraud:i label:c amount:n',
    ),
    table('notifications', 'notification_id', 'ts', { customer_id: 'customers' }, 'channel:c'),
    table('LOAN', 'LOAN_ID', 'TS', { CUSTOMER_ID: 'customers' }, 'AMOUNT:n STATUS:x'),
  ],
};

export const USERS: GraphDef = {
  version: 1,
  tables: [
    table(
      'users',
      'user_id',
      null,
      {},
      'age:i location:c gender:c birthday:t country:c email:x status:c',
    ),
    table('items', 'item_id', null, {}, 'name:x'),
    table(
      'orders',
      'order_id',
      'ts',
      { user_id: 'users', item_id: 'items' },
      'amount:n status:c category:c price:n',
    ),
    table('notifications', 'notification_id', 'ts', { user_id: 'users' }, ''),
    table(
      'purchases',
      'purchase_id',
      'ts',
      { user_id: 'users' },
      'type:c amount:n item_category:c',
    ),
    table('games', 'app_id', null, {}, 'discount:n'),
    table('reviews', 'review_id', 'ts', { app_id: 'games', user_id: 'users' }, 'is_recommended:i'),
    table('region', 'region_id', null, {}, 'num_inhabitants:i'),
    table('user', 'user_id', null, { region_id: 'region' }, 'country:c dietary:c'),
    table(
      'transaction',
      'transaction_id',
      'ts',
      { user_id: 'user', article_id: 'articles' },
      'amount:n value:n',
    ),
    table('articles', 'article_id', null, {}, ''),
    table('session', 'session_id', 'ts', { user_id: 'user' }, ''),
    table('messages', 'message_id', 'ts', { sender_id: 'users', receiver_id: 'users' }, 'body:x'),
  ],
};

export const FRAUD: GraphDef = {
  version: 1,
  tables: [
    table('transactions', 'id', 'ts', {}, 'type:c'),
    table(
      'fraud_reports',
      'transaction_id',
      null,
      { transaction_id: 'transactions' },
      'is_fraud:b',
    ),
  ],
};

export const MISC: GraphDef = {
  version: 1,
  tables: [
    table('drivers', 'driverId', null, {}, 'nationality:c'),
    table('qualifying', 'qualifyId', 'date', { driverId: 'drivers' }, 'position:i'),
    table('product', 'product_id', null, {}, 'title:x'),
    table('review', 'review_id', 'ts', { product_id: 'product' }, 'price:n'),
    table('AdsInfo', 'AdID', null, {}, 'Price:n'),
    table('SearchStream', 'SearchID', 'SearchDate', { AdID: 'AdsInfo' }, 'IsClick:i'),
    table('entity_table', 'entity_id', null, {}, ''),
    table('table', 'id', 'ts', { entity_id: 'entity_table' }, 'column:n target:i'),
    table('target', 'id', null, {}, 'multicategorical_column:m'),
  ],
};

export const STACK: GraphDef = {
  version: 1,
  tables: [
    table('users', 'Id', null, {}, 'Reputation:i'),
    table('votes', 'Id', 'CreationDate', { UserId: 'users' }, ''),
    table('posts', 'Id', 'CreationDate', { OwnerUserId: 'users' }, ''),
    table('comments', 'Id', 'CreationDate', { UserId: 'users' }, ''),
  ],
};

export const SCHEMAS = { RETAIL, USERS, FRAUD, MISC, STACK };

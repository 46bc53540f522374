// SPDX-License-Identifier: Apache-2.0
// Errors of the Snowflake connector (src/data/snowflake/).
import { defineErrors } from './registry.js';

export const snowflakeErrors = defineErrors({
  SNOWFLAKE_CONFIG_INVALID: {
    status: 400,
    message: 'Snowflake option {option} is invalid: expected {expected}, received {received}',
  },
  SNOWFLAKE_CREDENTIALS_MISSING: {
    status: 400,
    message:
      'No Snowflake credentials for user {user} on account {account}: expected environment ' +
      'variable {variables} to be set',
  },
  SNOWFLAKE_LOGIN_FAILED: {
    status: 401,
    message:
      'Snowflake login to account {account} at {host} as user {user} failed: {reason} ' +
      '(expected valid {method} credentials)',
  },
  SNOWFLAKE_NETWORK_ERROR: {
    status: 502,
    message:
      'Could not reach Snowflake account {account} at {host}: {reason} (expected a Snowflake ' +
      'endpoint answering there)',
  },
  SNOWFLAKE_QUERY_FAILED: {
    status: 400,
    message: 'Snowflake query on account {account} failed: {reason} (SQLSTATE {sqlState})',
  },
  SNOWFLAKE_TABLE_NOT_FOUND: {
    status: 404,
    message: 'Table {table} does not exist in Snowflake schema {database}.{schema}',
  },
  SNOWFLAKE_PARAM_INVALID: {
    status: 400,
    message:
      'Bound parameter {index} cannot be sent to Snowflake: expected a number, bigint, string, ' +
      'boolean, Date or null, received {received}',
  },
  SNOWFLAKE_VALUE_INVALID: {
    status: 422,
    message:
      'Column {column} of Snowflake type {type} holds a value that cannot be read: expected ' +
      '{expected}, received {received}',
  },
  SNOWFLAKE_CONNECTION_CLOSED: {
    status: 409,
    message: 'The Snowflake connection to account {account} is closed; expected an open connection',
  },
  SNOWFLAKE_WRITE_NAME_INVALID: {
    status: 400,
    message:
      'Cannot write {what} {name} to Snowflake: {reason}; expected 1 to 255 characters with no ' +
      'control characters, column names unique',
  },
  SNOWFLAKE_WRITE_LENGTH_MISMATCH: {
    status: 400,
    message:
      'Column {column} written to Snowflake table {table} has {received} {part}; expected ' +
      '{expected}, the row count of column {first}',
  },
  SNOWFLAKE_WRITE_TYPE_UNSUPPORTED: {
    status: 400,
    message:
      'Column {column} written to Snowflake table {table} cannot be sent as type {type}: ' +
      'expected {expected}, received {received}',
  },
  SNOWFLAKE_WRITE_VALUE_INVALID: {
    status: 422,
    message:
      'Row {row} of column {column} written to Snowflake table {table} cannot be sent: ' +
      'expected {expected}, received {received}',
  },
  SNOWFLAKE_WRITE_FAILED: {
    status: 502,
    message: 'Writing Snowflake table {table} failed while {step}: {reason}; {outcome}',
  },
});

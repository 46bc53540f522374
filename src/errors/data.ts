// SPDX-License-Identifier: Apache-2.0
// Errors of the data domain: sources and files, SQL, the graph definition, validation, the stage.
import { defineErrors } from './registry.js';

export const dataErrors = defineErrors({
  DATA_FILE_NOT_FOUND: {
    status: 404,
    message: 'the file or directory {path} does not exist; expected {expected}',
  },
  DATA_FILE_UNREADABLE: {
    status: 400,
    message: 'the file {path} could not be read as {format}: {reason}',
  },
  DATA_CSV_MALFORMED: {
    status: 400,
    message: 'malformed CSV row in {file} at line {line}: {reason}',
  },
  DATA_CSV_DELIMITER_MISMATCH: {
    status: 400,
    message:
      'the file {file}, read with the delimiter {delimiter} you gave, has one column: its header ' +
      'line is {header}; it is {likely}-delimited ({columns} columns): read it with {option}',
  },
  DATA_CSV_ENCODING: {
    status: 400,
    message: 'the file {file} is not valid {encoding} text: line {line} holds {found}; {hint}',
  },
  DATA_SOURCE_EMPTY: {
    status: 400,
    message: 'the directory {path} holds no table files; expected .csv, .parquet or .json files',
  },
  DATA_DUPLICATE_TABLE: {
    status: 400,
    message: 'two files in {path} give the table {table}: {files}',
  },
  DATA_TABLE_NOT_FOUND: {
    status: 404,
    message: 'no table named {table}; the source has {available}',
  },
  DATA_COLUMN_NOT_FOUND: {
    status: 400,
    message: 'the table {table} has no column {column} (named in {where}); it has {available}',
  },
  DATA_QUERY_FAILED: { status: 400, message: 'the {dialect} query failed: {reason}' },
  DATA_VALUE_OUT_OF_RANGE: {
    status: 400,
    message: 'column {column} holds {value}, which does not fit {expected}',
  },
  DATA_UNSUPPORTED_TYPE: {
    status: 400,
    message: 'column {column} has type {type}, which is not supported as {use}',
  },
  DATA_CONNECTOR_CLOSED: { status: 400, message: 'the {dialect} connector is closed' },
  DATA_FILE_OPTION_INVALID: {
    status: 400,
    message: 'the file option {option} is {received}; expected {expected}',
  },
  DATA_SETTING_INVALID: {
    status: 400,
    message: 'the DuckDB setting {setting} = {value} was refused ({reason}); expected {expected}',
  },
  DATA_GRAPH_FILE_INVALID: {
    status: 400,
    message: 'the graph file {path} is not valid: {reason}',
  },
  DATA_DERIVED_TIME_INVALID: {
    status: 400,
    message:
      'the graph file {path} is not valid: {pointer} (table {table}): {reason}; expected ' +
      '{expected}',
  },
  DATA_GRAPH_FILE_UNKNOWN_PROPERTY: {
    status: 400,
    message:
      'the graph file {path} is not valid: {place} has an unknown property "{property}"' +
      '{suggestion}; the properties there are {properties}',
  },
  DATA_FK_MISSING_TABLE: {
    status: 400,
    message:
      'the foreign key {table}.{column} references the table {references}, which does not ' +
      'exist{suggestion}; the graph has the tables {available}',
  },
  DATA_FK_NO_PRIMARY_KEY: {
    status: 400,
    message:
      'the foreign key {table}.{column} references {references}, which has no primary key; set one',
  },
  DATA_FK_TYPE_MISMATCH: {
    status: 400,
    message:
      'the foreign key {table}.{column} ({childType}) cannot match {references}.{key} ' +
      '({parentType})',
  },
  DATA_PK_DUPLICATE: {
    status: 400,
    message:
      'the primary key {table}.{column} is not unique: {value} occurs {count} times{rows}; a ' +
      'primary key names one row: remove the repeated rows, or set primaryKey of {table} in ' +
      'the graph file to a unique column, or to null for a table without one',
  },
  DATA_PK_NULL: {
    status: 400,
    message: 'the primary key {table}.{column} is NULL in {count} {count|row|rows}',
  },
  DATA_TIME_INVALID: {
    status: 400,
    message: 'the time column {table}.{column} has type {type}; {expected}',
  },
  DATA_VALIDATION_FAILED: {
    status: 400,
    message: 'the graph has {count} validation {count|error|errors}; first: {first}',
  },
  DATA_STAGE_INVALID: {
    status: 500,
    message: 'the stage at {path} is not complete or not readable: {reason}',
  },
});

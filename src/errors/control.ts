// SPDX-License-Identifier: Apache-2.0
// Errors of the control domain: workspace, metadata, jobs, REST API and CLI.
import { defineErrors } from './registry.js';

export const controlErrors = defineErrors({
  CONTROL_NOT_AVAILABLE: {
    status: 501,
    message:
      '{operation} is not available yet: the {component} is not connected to the control plane',
  },
  CONTROL_UNKNOWN_OPTION: { status: 400, message: 'unknown option {option}{hint}' },
  CONTROL_UNKNOWN_COMMAND: { status: 400, message: 'unknown command {command}{hint}' },
  CONTROL_INVALID_ARGUMENT: {
    status: 400,
    message: '{name} must be {expected}, got {received}',
  },
  CONTROL_CLOSED: {
    status: 500,
    message: 'the workspace {workspace} was closed; open it again with Prequel.open()',
  },
  CONTROL_WORKSPACE_NOT_FOUND: {
    status: 404,
    message: 'no prequel workspace at {path}; create one with `prequel init {path}`',
  },
  CONTROL_WORKSPACE_EXISTS: {
    status: 409,
    message: 'a prequel workspace already exists at {path}',
  },
  CONTROL_WORKSPACE_INVALID: {
    status: 400,
    message: '{path} is not a usable prequel workspace: {reason}',
  },
  CONTROL_PATH_UNUSABLE: {
    status: 400,
    message: 'cannot use {path} as {what}: {reason}',
  },
  CONTROL_DEMO_DIR_IN_USE: {
    status: 409,
    message:
      '{path} is not empty and was not written by `prequel demo` (it has no {marker}); give ' +
      '--dir a new or empty directory, or one an earlier `prequel demo` wrote',
  },
  CONTROL_METADATA_TOO_NEW: {
    status: 500,
    message:
      'the metadata database is at schema version {found}, newer than this prequel supports ' +
      '({supported}); upgrade prequel',
  },
  CONTROL_PLAIN_SECRET: {
    status: 400,
    message:
      'setting {field} looks like a secret given as a plain value; pass it in `secrets` as ' +
      '{"env": "VAR"} or {"keyFile": "/path"}',
  },
  CONTROL_SECRET_REF_INVALID: {
    status: 400,
    message: 'secret {field} must be {"env": "NAME"} or {"keyFile": "path"}, got {received}',
  },
  CONTROL_SECRET_UNRESOLVED: {
    status: 400,
    message: 'secret {field} could not be resolved from {reference}: {reason}',
  },
  CONTROL_SOURCE_EXISTS: { status: 409, message: 'a data source named {name} already exists' },
  CONTROL_SOURCE_NOT_FOUND: { status: 404, message: 'no data source {source}; {hint}' },
  CONTROL_GRAPH_NOT_FOUND: {
    status: 404,
    message: 'data source {source} has no graph definition {version}',
  },
  CONTROL_JOB_NOT_FOUND: { status: 404, message: 'no job {id}' },
  CONTROL_MODEL_NOT_FOUND: { status: 404, message: 'no model {id}; {hint}' },
  CONTROL_MODEL_REPORT_MISSING: {
    status: 404,
    message: 'model {id} has no HTML report (it was recorded without training)',
  },
  CONTROL_PREDICTION_SET_NOT_FOUND: { status: 404, message: 'no prediction set {id}' },
  CONTROL_PREDICTION_FORMAT_MISSING: {
    status: 404,
    message: 'prediction set {id} has no {format} file; it has {available}',
  },
  CONTROL_TOKEN_NOT_FOUND: { status: 404, message: 'no API token {token}' },
  CONTROL_TOKEN_EXISTS: { status: 409, message: 'an API token named {name} already exists' },
  CONTROL_ARTIFACT_MISSING: {
    status: 500,
    message: 'artifact {hash} is referenced but missing from {path}',
  },
  CONTROL_JOB_KIND_UNKNOWN: {
    status: 400,
    message: 'no handler is registered for job kind {kind}; registered kinds: {registered}',
  },
  CONTROL_JOB_KIND_INVALID: {
    status: 400,
    message: 'job kind {kind} cannot be registered: {reason}',
  },
  CONTROL_JOB_NOT_CANCELLABLE: {
    status: 409,
    message: 'job {id} is {state}; only queued or running jobs can be cancelled',
  },
  CONTROL_JOB_NOT_RERUNNABLE: {
    status: 409,
    message: 'job {id} is {state}; only failed or cancelled jobs can be rerun',
  },
  CONTROL_JOB_CRASHED: {
    status: 500,
    message: 'job {id} stopped without a result: {reason}',
  },
  CONTROL_JOB_INTERRUPTED: {
    status: 500,
    message: 'job {id} was interrupted: {reason}; rerun it with `prequel jobs rerun {id}`',
  },
  CONTROL_JOB_TIMEOUT: { status: 500, message: 'job {id} did not finish within {timeoutMs} ms' },
  CONTROL_UNAUTHORIZED: {
    status: 401,
    message:
      'missing or invalid bearer token: send `Authorization: Bearer <token>`; create one with ' +
      '`prequel token create <name>`',
  },
  CONTROL_BAD_REQUEST: { status: 400, message: 'invalid request {part}: {problem}' },
  CONTROL_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'content type {contentType} is not accepted by {route}; send {expected}',
  },
  CONTROL_BODY_TOO_LARGE: {
    status: 413,
    message:
      'request body is larger than the limit of {limit} bytes; raise it with the {setting} setting',
  },
  CONTROL_ROUTE_NOT_FOUND: { status: 404, message: 'no route {method} {url}' },
  CONTROL_RATE_LIMITED: {
    status: 429,
    message: 'rate limit of {max} requests per {window} exceeded; retry in {retryAfter}',
  },
  CONTROL_PORT_INVALID: {
    status: 400,
    message: '--port {port} is not a TCP port: give 1 to 65535, or 0 to have a free port picked',
  },
  CONTROL_PORT_IN_USE: {
    status: 409,
    message:
      'port {port} on {host} is already in use (another `prequel serve` or another program); ' +
      'stop that one, or give another --port (0 picks a free one)',
  },
  CONTROL_LISTEN_FAILED: {
    status: 400,
    message: 'cannot listen on {host} port {port}: {reason}',
  },
  CONTROL_INTERNAL: { status: 500, message: 'internal error: {detail}' },
  CONTROL_SOURCE_SETTING_INVALID: {
    status: 400,
    message: 'data source {source}: setting {setting} must be {expected}, got {received}',
  },
  CONTROL_UNKNOWN_ENTITIES: {
    status: 400,
    message:
      '{count} of the given ids {count|is not a row|are not rows} of {table} (first: ' +
      '{examples}); give primary key values of {table}',
  },
  CONTROL_DUPLICATE_IDS: {
    status: 400,
    message:
      'the entity id {id} is given {count} times in {source} ({where}); each entity gets one ' +
      'prediction: give every id once',
  },
  CONTROL_ENTITIES_AFTER_ANCHOR: {
    status: 400,
    message:
      '{count} of the given {table} rows {count|was|were} created after the anchor time ' +
      '{anchorTime} (first: {examples}); predict at a later anchor time, or leave these ids out',
  },
  CONTROL_TASK_UNSUPPORTED: {
    status: 422,
    message: 'the trainer cannot learn a {task} task yet; {hint}',
  },
  CONTROL_JOB_CANCELLED: { status: 409, message: 'the job was cancelled' },
  CONTROL_CONSTANT_LABEL: {
    status: 422,
    message:
      'the label is {value} for all {count} examples of every split: the target {target} does ' +
      'not vary, so there is nothing to learn or evaluate; {hint}',
  },
  CONTROL_NO_EXAMPLES: {
    status: 422,
    message: 'the {split} split of the query has no examples; {hint}',
  },
});

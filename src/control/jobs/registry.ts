// SPDX-License-Identifier: Apache-2.0
// The job kind registry: which module runs each kind of job, and what the main thread records
// when one succeeds. The data engine, trainer and predictor plug in here.
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import { raise } from '../../errors/index.js';
import type { JobRecord } from '../metadata/jobs.js';
import type { MetadataStore } from '../metadata/index.js';

/** The kinds the control plane schedules; tests may register their own kinds as well. */
export const BUILTIN_JOB_KINDS = ['materialise', 'train', 'evaluate', 'predict'] as const;
export type BuiltinJobKind = (typeof BUILTIN_JOB_KINDS)[number];

export interface CompleteContext {
  job: JobRecord;
  result: unknown;
  metadata: MetadataStore;
}

export interface JobKindDef {
  kind: string;
  /** The handler module (file URL or absolute path) loaded in the worker. */
  module: string | URL;
  /**
   * Runs on the main thread, inside the transaction that marks the job succeeded, to record
   * what the job made (a model row, a prediction set); returns the result to store. If it
   * throws, the job fails and nothing it recorded is kept.
   */
  complete?: (ctx: CompleteContext) => unknown;
}

export interface RegisteredKind {
  kind: string;
  module: string;
  complete?: JobKindDef['complete'];
}

const KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export class JobKindRegistry {
  private readonly kinds = new Map<string, RegisteredKind>();

  register(def: JobKindDef): void {
    if (typeof def.kind !== 'string' || !KIND_PATTERN.test(def.kind)) {
      raise('CONTROL_JOB_KIND_INVALID', {
        kind: def.kind,
        reason: 'a kind is a lowercase letter followed by up to 31 lowercase letters, digits or -',
      });
    }
    if (this.kinds.has(def.kind)) {
      raise('CONTROL_JOB_KIND_INVALID', { kind: def.kind, reason: 'it is already registered' });
    }
    let module: string;
    if (def.module instanceof URL) module = def.module.href;
    else if (isAbsolute(def.module)) module = pathToFileURL(def.module).href;
    else if (def.module.startsWith('file:')) module = def.module;
    else {
      return raise('CONTROL_JOB_KIND_INVALID', {
        kind: def.kind,
        reason: `module must be a file URL or an absolute path, got ${def.module}`,
      });
    }
    this.kinds.set(def.kind, { kind: def.kind, module, complete: def.complete });
  }

  has(kind: string): boolean {
    return this.kinds.has(kind);
  }

  get(kind: string): RegisteredKind {
    return (
      this.kinds.get(kind) ??
      raise('CONTROL_JOB_KIND_UNKNOWN', { kind, registered: [...this.kinds.keys()] })
    );
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }
}

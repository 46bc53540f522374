// SPDX-License-Identifier: Apache-2.0
// WGSL programs from kernels/: each file declares its bindings, its uniform struct `Params` and
// its workgroup size; this module reads those declarations, so the glue never restates them.
// Pipelines are compiled on first use and cached by program and dtype, never by size.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gpuConstants } from './device.js';
import { raise } from '../../errors/index.js';

export type KernelDtype = 'float32' | 'int32';

export interface BindingDecl {
  index: number;
  name: string;
  kind: 'uniform' | 'read-only-storage' | 'storage';
}

export interface UniformField {
  name: string;
  type: 'u32' | 'i32' | 'f32';
}

/** What a WGSL file declares, parsed from its text. */
export interface ProgramDecl {
  name: string;
  source: string;
  bindings: BindingDecl[];
  uniforms: UniformField[];
  workgroupSize: [number, number];
  /** Whether the program has an `alias T = f32;` line specialised per dtype. */
  generic: boolean;
  /** Whether `main` strides over a line of items (lineStride), so fewer workgroups may run it. */
  strided: boolean;
}

export interface CompiledProgram {
  decl: ProgramDecl;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

const BINDING = /@group\(0\)\s*@binding\((\d+)\)\s*var<([^>]+)>\s*(\w+)\s*:/g;
const PARAMS = /struct\s+Params\s*\{([^}]*)\}/;
const FIELD = /(\w+)\s*:\s*(u32|i32|f32)/g;
const WORKGROUP = /@workgroup_size\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/;
const ALIAS = /alias\s+T\s*=\s*f32\s*;/;

/** Finds kernels/ by walking up from this module (works from src/ and from dist/src/). */
export function kernelsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'kernels', 'prelude.wgsl'))) return join(dir, 'kernels');
    dir = dirname(dir);
  }
  return raise('WEBGPU_KERNEL', { program: 'prelude', detail: 'kernels/ directory not found' });
}

/** Parses the declarations of one WGSL program. */
export function parseProgram(name: string, source: string): ProgramDecl {
  const bindings: BindingDecl[] = [];
  for (const m of source.matchAll(BINDING)) {
    const space = m[2].replace(/\s/g, '');
    const kind =
      space === 'uniform'
        ? 'uniform'
        : space === 'storage,read_write'
          ? 'storage'
          : 'read-only-storage';
    bindings.push({ index: Number(m[1]), name: m[3], kind });
  }
  const params = PARAMS.exec(source);
  const uniforms: UniformField[] = [];
  if (params !== null) {
    for (const f of params[1].matchAll(FIELD)) {
      uniforms.push({ name: f[1], type: f[2] as UniformField['type'] });
    }
  }
  const wg = WORKGROUP.exec(source);
  if (wg === null) raise('WEBGPU_KERNEL', { program: name, detail: 'no @workgroup_size' });
  return {
    name,
    source,
    bindings,
    uniforms,
    workgroupSize: [Number(wg[1]), wg[2] === undefined ? 1 : Number(wg[2])],
    generic: ALIAS.test(source),
    strided: /lineStride\(/.test(source),
  };
}

/** Reads, parses and compiles the kernels/ programs on demand. */
export class ProgramCache {
  private readonly decls = new Map<string, ProgramDecl>();
  private readonly compiled = new Map<string, CompiledProgram>();
  private prelude: string | null = null;

  constructor(
    private readonly device: GPUDevice,
    private readonly dir: string = kernelsDir(),
  ) {}

  /** Number of pipelines compiled so far (cache size). */
  get size(): number {
    return this.compiled.size;
  }

  get(name: string, dtype: KernelDtype = 'float32'): CompiledProgram {
    const key = `${name}:${dtype}`;
    const hit = this.compiled.get(key);
    if (hit !== undefined) return hit;

    const decl = this.declaration(name);
    if (dtype !== 'float32' && !decl.generic) {
      raise('WEBGPU_KERNEL', { program: name, detail: `has no ${dtype} variant` });
    }
    const body = dtype === 'int32' ? decl.source.replace(ALIAS, 'alias T = i32;') : decl.source;
    const module = this.device.createShaderModule({
      label: `prequel:${key}`,
      code: this.preludeText() + body,
    });
    const layout = this.device.createBindGroupLayout({
      label: `prequel:${key}:layout`,
      entries: decl.bindings.map((b) => ({
        binding: b.index,
        visibility: gpuConstants.GPUShaderStage.COMPUTE,
        buffer: { type: b.kind },
      })),
    });
    const pipeline = this.device.createComputePipeline({
      label: `prequel:${key}`,
      layout: this.device.createPipelineLayout({
        label: `prequel:${key}:pipeline-layout`,
        bindGroupLayouts: [layout],
      }),
      compute: { module, entryPoint: 'main' },
    });
    const program = { decl, pipeline, layout };
    this.compiled.set(key, program);
    return program;
  }

  declaration(name: string): ProgramDecl {
    const hit = this.decls.get(name);
    if (hit !== undefined) return hit;
    const path = join(this.dir, `${name}.wgsl`);
    if (!existsSync(path)) raise('WEBGPU_KERNEL', { program: name, detail: `missing ${path}` });
    const decl = parseProgram(name, readFileSync(path, 'utf8'));
    this.decls.set(name, decl);
    return decl;
  }

  private preludeText(): string {
    this.prelude ??= readFileSync(join(this.dir, 'prelude.wgsl'), 'utf8') + '\n';
    return this.prelude;
  }
}

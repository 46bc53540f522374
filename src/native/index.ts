// SPDX-License-Identifier: Apache-2.0
// Loads the native addon once and exposes its raw binding, typed per domain. Set
// PREQUEL_NATIVE to the path of another build (for example the sanitizer build) to load it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { raise } from '../errors/index.js';
import type { StoreBinding } from './store-binding.js';
import type { ColumnsBinding } from './columns-binding.js';
import type { SamplerBinding } from './sampler-binding.js';
import type { ComputeBinding } from './compute-binding.js';

export interface NativeBinding
  extends StoreBinding, ColumnsBinding, SamplerBinding, ComputeBinding {
  readonly abiVersion: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root: src/native/ in a checkout, dist/native/ when built. */
export const packageRoot = path.resolve(here, '..', '..');

let loaded: NativeBinding | undefined;

/** The raw addon. Throws NATIVE_NOT_BUILT with the path it looked at if it is missing. */
export function native(): NativeBinding {
  if (loaded !== undefined) return loaded;
  const file =
    process.env.PREQUEL_NATIVE ?? path.join(packageRoot, 'build', 'Release', 'prequel_native.node');
  try {
    loaded = createRequire(import.meta.url)(file) as NativeBinding;
  } catch (err) {
    raise('NATIVE_NOT_BUILT', { path: file, reason: (err as Error).message }, err);
  }
  return loaded;
}

// The TypeScript declaration of the raw binding mirrors the addon's real exports.
import { describe, expect, it } from 'vitest';
import { native } from '../../src/native/index.js';
import { storeBindingNames } from '../../src/native/store-binding.js';
import { columnsBindingNames } from '../../src/native/columns-binding.js';
import { samplerBindingNames } from '../../src/native/sampler-binding.js';
import { computeBindingNames } from '../../src/native/compute-binding.js';

describe('raw binding mirror', () => {
  it('declares exactly the functions the addon exports', () => {
    const exported = Object.keys(native())
      .filter((k) => typeof (native() as unknown as Record<string, unknown>)[k] === 'function')
      .sort();
    const declared = [
      ...storeBindingNames,
      ...columnsBindingNames,
      ...samplerBindingNames,
      ...computeBindingNames,
    ].sort();
    expect(exported).toEqual(declared);
  });
});

// SPDX-License-Identifier: Apache-2.0
// Raw binding of the store domain: the exact entry points native/bindings/store_binding.cc exports.
// test/native/binding-mirror.test.ts checks this declaration against the addon's exports.

export interface StoreBinding {}

/** Names of the entry points declared above, for the mirror check. */
export const storeBindingNames: readonly string[] = [];

// SPDX-License-Identifier: Apache-2.0
// Raw binding of the columns domain: the exact entry points native/bindings/columns_binding.cc exports.
// test/native/binding-mirror.test.ts checks this declaration against the addon's exports.

export interface ColumnsBinding {}

/** Names of the entry points declared above, for the mirror check. */
export const columnsBindingNames: readonly string[] = [];

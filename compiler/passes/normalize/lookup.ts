/** Name → index lookups after resolve-refs, which has already reported every unknown name. */

/** The index of `name`; a miss is a compiler bug, because resolve-refs stops the pipeline on unknown names. */
export function resolvedIndex(table: ReadonlyMap<string, number>, name: string): number {
  const index = table.get(name);
  if (index === undefined) throw new Error(`internal: \`${name}\` was not resolved by resolve-refs`);
  return index;
}

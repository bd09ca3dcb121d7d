/**
 * The container image carries the runtime only (scripts/runtime-image.mjs): the policy
 * compiler and its dependencies are left out. A verb that needs the compiler says so,
 * and where to run it, instead of failing on a missing module.
 */

/** The refusal for `verb` (`check`, `serve --policy`, …) where the compiler is absent. */
export function compilerAbsent(verb: string): Error {
  return new Error(
    `\`tollgate ${verb}\` needs the policy compiler, which this installation leaves out (the container image carries the runtime only). ` +
      "Compile plans where the npm package is installed (`npx tollgate compile policy/ -o plan.json`, in CI) and serve them here with `tollgate serve --plan plan.json`.",
  );
}

/** Runs `load` (a dynamic import of a compiler verb); a module missing becomes compilerAbsent(verb). */
export async function loadCompilerVerb<T>(verb: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException | null)?.code === "ERR_MODULE_NOT_FOUND") throw compilerAbsent(verb);
    throw err;
  }
}

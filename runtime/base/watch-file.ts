/**
 * Watches the plan file for changes. It watches the directory, not the file: a
 * GitOps sync or `tollgate compile` writes a temporary file and renames it over the
 * plan, which replaces the inode, and a watch on the old inode would go silent (and
 * Kubernetes ConfigMap volumes swap a `..data` symlink the same way). Events are
 * debounced: one write often raises several, and the reload reads the whole file.
 */
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname, resolve } from "node:path";

/** Quiet time after the last event before reloading. */
const DEBOUNCE_MS = 100;

export interface PlanWatcher {
  close(): void;
}

/** Calls `onChange` after the plan file (or the directory entry it names) changes. */
export function watchPlanFile(file: string, onChange: () => void, debounceMs = DEBOUNCE_MS): PlanWatcher {
  const full = resolve(file);
  const name = basename(full);
  let timer: NodeJS.Timeout | null = null;
  const fire = (): void => {
    timer = null;
    onChange();
  };
  const watcher: FSWatcher = watch(dirname(full), { persistent: false }, (_event, changed) => {
    // A null name (some platforms) or a `..data` symlink swap: reload to be safe; the
    // reload is a no-op when the hash did not change.
    if (changed !== null && changed !== name && !changed.startsWith("..")) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  });
  watcher.on("error", () => undefined);
  return {
    close: () => {
      if (timer !== null) clearTimeout(timer);
      watcher.close();
    },
  };
}

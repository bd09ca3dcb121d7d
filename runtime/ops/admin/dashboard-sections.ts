/**
 * Dashboard sections other parts of the runtime fill in (quota remaining, ejected
 * endpoints, …). A state owner registers a reader once at link/start time; the
 * dashboard JSON calls it on each poll. A section nobody registered shows as
 * `{ configured: false }`, and the page says "not configured".
 */

/** Returns the section's JSON value; called on the admin thread at poll time. */
export type DashboardSectionReader = () => unknown;

/** The sections the page knows how to draw; `quotas` and `ejected` are filled by their owners when present. */
export type DashboardSectionName = "quotas" | "ejected" | "concurrency" | "forecast";

const readers = new Map<DashboardSectionName, DashboardSectionReader>();

export function registerDashboardSection(name: DashboardSectionName, reader: DashboardSectionReader): void {
  readers.set(name, reader);
}

export function readDashboardSection(name: DashboardSectionName): unknown {
  const reader = readers.get(name);
  if (reader === undefined) return { configured: false };
  try {
    return reader();
  } catch (err) {
    return { configured: true, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Fixed quota windows start on the epoch's minute: a burst that straddles a minute
 * boundary is counted in two windows and rightly admits twice the limit. Tests that count
 * a burst against a per-minute limit start it with room to spare before the window ends.
 */
import { windowEnd, windowStart } from "../../runtime/base/windows.js";

export async function awaitRoomInMinute(roomMs = 15_000): Promise<void> {
  const now = Date.now();
  const left = windowEnd("minute", windowStart("minute", now)) - now;
  if (left < roomMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

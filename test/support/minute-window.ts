/**
 * Fixed quota windows start on the epoch's minute (runtime/base/windows.ts): a burst that
 * straddles a minute boundary is counted in two windows and rightly admits twice the
 * limit. Tests that count a burst against a per-minute limit start it with room to spare.
 */
export async function awaitRoomInMinute(roomMs = 15_000): Promise<void> {
  const toNextMinute = 60_000 - (Date.now() % 60_000);
  if (toNextMinute < roomMs) await new Promise((resolve) => setTimeout(resolve, toNextMinute + 100));
}

/**
 * Signals a detached child's whole process group (negative pid), so grandchildren (npx, tsx,
 * shells) die with the child. A group that is already gone is not an error.
 */
export function killProcessGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

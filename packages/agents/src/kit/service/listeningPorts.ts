import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * TCP ports on which the processes of process group `pgid` listen (Linux `/proc`; `[]` elsewhere
 * or when unreadable). This is how a service that ignores `PORT` (a hard-coded `listen(3000)`) is
 * still found without reading its output: the sockets are the ones our own child group owns, so
 * a port someone else listens on is never mistaken for it.
 */
export async function listeningPorts(pgid: number): Promise<number[]> {
  try {
    const pids = await groupMembers(pgid);
    const inodes = new Set<string>();
    for (const pid of pids) {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
      for (const fd of fds) {
        const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode !== undefined) inodes.add(inode);
      }
    }
    if (inodes.size === 0) return [];
    const ports = new Set<number>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const text = await readFile(table, 'utf8').catch(() => '');
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        // cols: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        if (cols[3] !== '0A' || !inodes.has(cols[9] ?? '')) continue;
        const port = Number.parseInt(cols[1]?.split(':')[1] ?? '', 16);
        if (Number.isInteger(port) && port > 0) ports.add(port);
      }
    }
    return [...ports].sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** Pids whose process group is `pgid` (field 5 of `/proc/<pid>/stat`, after the parenthesised name). */
async function groupMembers(pgid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid) out.push(Number(name));
  }
  return out;
}

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Reads a process table: injectable so the clock is tested without a real /proc. */
export interface ProcFs {
  readdir(path: string): string[];
  readFile(path: string): string;
  readlink(path: string): string;
}

const REAL_PROC: ProcFs = {
  readdir: (path) => readdirSync(path),
  readFile: (path) => readFileSync(path, 'utf8'),
  readlink: (path) => readlinkSync(path),
};

/**
 * CPU time spent by the service that listens on a loopback port: the process owning the listening
 * socket and its descendants (cluster workers), every thread of each, from Linux
 * `/proc/<pid>/task/<tid>/schedstat` (nanoseconds run on a CPU). Unlike a request's wall time it
 * does not grow while the service waits for a CPU, so it measures the handler's work the same on a
 * busy shared machine as on a quiet one. `find` returns undefined where there is no such table (not
 * Linux, a service in a container, a port owned by no visible process): callers then time wall clock.
 */
export class ServiceCpuClock {
  readonly #proc: ProcFs;
  readonly #pids: number[];

  private constructor(proc: ProcFs, pids: number[]) {
    this.#proc = proc;
    this.#pids = pids;
  }

  /** The clock of the process listening on `port`, or undefined when it cannot be read. */
  static find(port: number, proc: ProcFs = REAL_PROC): ServiceCpuClock | undefined {
    try {
      const inodes = listeningInodes(port, proc);
      if (inodes.size === 0) return undefined;
      const stats = new Map<number, { ppid: number }>();
      let owner: number | undefined;
      for (const name of proc.readdir('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        const pid = Number(name);
        try {
          const stat = proc.readFile(`/proc/${pid}/stat`);
          stats.set(pid, { ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) });
          if (owner === undefined && ownsSocket(pid, inodes, proc)) owner = pid;
        } catch {
          // The process ended while we looked, or is not ours to read.
        }
      }
      if (owner === undefined) return undefined;
      const pids = [owner];
      for (let i = 0; i < pids.length; i++) for (const [pid, { ppid }] of stats) if (ppid === pids[i] && !pids.includes(pid)) pids.push(pid);
      const clock = new ServiceCpuClock(proc, pids);
      return clock.read() > 0 ? clock : undefined;
    } catch {
      return undefined;
    }
  }

  /** The processes measured (the listener first). */
  get pids(): readonly number[] {
    return this.#pids;
  }

  /** CPU milliseconds the service's threads have run so far (threads that ended are no longer counted). */
  read(): number {
    let ns = 0;
    for (const pid of this.#pids) {
      let tasks: string[];
      try {
        tasks = this.#proc.readdir(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tasks) {
        try {
          ns += Number(this.#proc.readFile(`/proc/${pid}/task/${tid}/schedstat`).split(' ')[0]);
        } catch {
          // A thread that ended between the listing and the read.
        }
      }
    }
    return ns / 1e6;
  }
}

/** Inodes of the sockets listening on `port` (IPv4 and IPv6 tables). */
function listeningInodes(port: number, proc: ProcFs): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = proc.readFile(table);
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (cols[3] === '0A' && Number.parseInt(cols[1]?.split(':').at(-1) ?? '', 16) === port && cols[9] !== undefined) inodes.add(cols[9]);
    }
  }
  return inodes;
}

function ownsSocket(pid: number, inodes: Set<string>, proc: ProcFs): boolean {
  let fds: string[];
  try {
    fds = proc.readdir(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(proc.readlink(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode !== undefined && inodes.has(inode)) return true;
    } catch {
      // A descriptor closed while we looked.
    }
  }
  return false;
}

import { readdirSync, readFileSync } from 'node:fs';

/**
 * Finding every process a Chromium launch left behind, from /proc (Linux).
 *
 * The process group alone is not enough: Chromium's crashpad handlers daemonize into their own session
 * (parent 1, another group) and outlive a killed browser for a while. They all inherit the environment,
 * so the pool tags each launch with an environment variable and also collects by that tag.
 */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
}

export function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: parse after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

export function hasEnv(pid: number, entry: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry);
  } catch {
    return false;
  }
}

/** Live (not zombie) processes of the tree: the group led by `leader`, those tagged `envEntry`, and their descendants. */
export function processTree(leader: number, envEntry: string): number[] {
  const procs = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcInfo => p !== undefined && p.state !== 'Z' && p.pid !== process.pid);
  const found = new Set(
    procs.filter((p) => p.pgid === leader || p.pid === leader || hasEnv(p.pid, envEntry)).map((p) => p.pid),
  );
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found];
}

/** True once none of these pids is a live process (zombies waiting to be reaped count as gone). */
export function allGone(pids: number[]): boolean {
  return pids.every((pid) => {
    const p = readProc(pid);
    return p === undefined || p.state === 'Z';
  });
}

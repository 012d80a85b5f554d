import { readFile } from 'node:fs/promises';

const MICROS_PER_MS = 1000;
const PACKAGE_PATTERN = /node_modules\/((?:@[^/]+\/)?[^/]+)/;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Self time of one function or one package. */
export interface ProfileEntry {
  name: string;
  selfMs: number;
  percent: number;
}

/** Where a process spent its CPU time, by function and by package. */
export interface ProfileSummary {
  totalMs: number;
  functions: ProfileEntry[];
  /** `node_modules` packages, `(project)` for our code, `(node)` for Node's internals. */
  packages: ProfileEntry[];
}

function ownerOf(url: string): string {
  if (url === '') return '(node)';
  const match = PACKAGE_PATTERN.exec(url);
  if (match?.[1] !== undefined) return match[1];
  return url.startsWith('node:') ? '(node)' : '(project)';
}

function top(selfMs: Map<string, number>, totalMs: number, limit: number): ProfileEntry[] {
  return [...selfMs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({ name, selfMs: ms, percent: totalMs > 0 ? (ms / totalMs) * 100 : 0 }));
}

/**
 * Sums a V8 .cpuprofile's self time by function and by package, so a missed
 * target can be traced to its bottleneck (our code, grpc-js, the AWS SDK, or
 * idle time waiting on an emulator).
 *
 * @example
 * ```ts
 * const summary = await summariseCpuProfile('/tmp/prof/main.ts-1234.cpuprofile', 15);
 * ```
 */
export async function summariseCpuProfile(path: string, limit: number): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const totalMs = (profile.endTime - profile.startTime) / MICROS_PER_MS;
  const samples = profile.samples?.length ?? 0;
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const msPerHit = hits > 0 ? totalMs / Math.max(hits, samples) : 0;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerHit;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where =
      url === ''
        ? ''
        : ` ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/work\/main\//, '')}:${lineNumber + 1}`;
    const name = `${functionName === '' ? '(anonymous)' : functionName}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const owner = functionName.startsWith('(') ? functionName : ownerOf(url);
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + ms);
  }
  return {
    totalMs,
    functions: top(byFunction, totalMs, limit),
    packages: top(byPackage, totalMs, limit),
  };
}

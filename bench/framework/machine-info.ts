import { cpus, loadavg, totalmem, release } from 'node:os';

const BYTES_PER_MIB = 1024 * 1024;

/** The machine a run was measured on: figures mean little without it. */
export interface MachineInfo {
  node: string;
  platform: string;
  kernel: string;
  cpuModel: string;
  cpuCores: number;
  totalMemoryMb: number;
  /** 1, 5 and 15-minute load averages when the run started (others' work on a shared host). */
  loadAverage: number[];
}

/**
 * Describes this machine for the results file.
 *
 * @example
 * ```ts
 * const machine = describeMachine(); // { node: 'v20.20.2', cpuModel: 'AMD EPYC', cpuCores: 2, ... }
 * ```
 */
export function describeMachine(): MachineInfo {
  const cores = cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: release(),
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCores: cores.length,
    totalMemoryMb: Math.round(totalmem() / BYTES_PER_MIB),
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

// What the results were measured on, recorded beside them: ratios hold across runs, absolute times do not.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  /** /proc/cpuinfo's "cpu family" and "model" (the model name alone is "AMD EPYC" on these VMs). */
  cpuFamilyModel: string;
  cores: number;
  avx2: boolean;
  fma: boolean;
  /** OpenBLAS picks its AVX-512 kernels where the CPU has it; the addon's own kernels use AVX2+FMA. */
  avx512f: boolean;
  memoryGiB: number;
  os: string;
  node: string;
  tstorch: { version: string; commit: string };
  /** /usr/bin/python3's torch, or null where it cannot import torch. */
  torch: { version: string; blas: string; referenceBlas: boolean } | null;
}

export const PYTHON = '/usr/bin/python3';

function cpuinfo(): { model: string; familyModel: string; flags: string[] } {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1];
    return {
      model: field('model name') ?? os.cpus()[0]?.model ?? 'unknown',
      familyModel: `family ${field('cpu family') ?? '?'} model ${field('model') ?? '?'}`,
      flags: (field('flags') ?? '').split(' '),
    };
  } catch {
    return { model: os.cpus()[0]?.model ?? 'unknown', familyModel: 'unknown', flags: [] };
  }
}

function output(command: string, args: string[], cwd: string): string | null {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(repoRoot: string): MachineInfo {
  const cpu = cpuinfo();
  const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string };
  return {
    cpuModel: cpu.model,
    cpuFamilyModel: cpu.familyModel,
    cores: os.cpus().length,
    avx2: cpu.flags.includes('avx2'),
    fma: cpu.flags.includes('fma'),
    avx512f: cpu.flags.includes('avx512f'),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    tstorch: { version: pkg.version, commit: output('git', ['describe', '--always', '--dirty'], repoRoot) ?? 'unknown' },
    torch: torchInfo(repoRoot),
  };
}

// Debian's torch calls whichever libblas.so.3 the dynamic linker finds: the reference (netlib) BLAS
// unless OpenBLAS is installed (or its directory is on LD_LIBRARY_PATH), which is ~30x faster at GEMM.
const TORCH_PROBE = `import os, torch
maps = [line.split()[-1] for line in open('/proc/self/maps') if 'blas' in line.rsplit('/', 1)[-1]]
print(torch.__version__)
print(os.path.realpath(maps[0]) if maps else 'none')`;

function torchInfo(repoRoot: string): MachineInfo['torch'] {
  const lines = output(PYTHON, ['-c', TORCH_PROBE], repoRoot)?.split('\n');
  if (lines === undefined || lines.length < 2) return null;
  const blas = lines[1];
  return { version: lines[0], blas, referenceBlas: !/openblas|mkl|blis/i.test(blas) };
}

// What the results were measured on, recorded beside them: ratios hold across runs, absolute times do not.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import * as torch from 'tstorch';

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
  /** NODE_OPTIONS, which the tstorch workers inherit ('' when unset): V8 flags change the training rows. */
  nodeOptions: string;
  /** blasCore: the OpenBLAS kernels tstorch's native backend runs ("SkylakeX"), null without them. */
  tstorch: { version: string; commit: string; blasCore: string | null };
  /**
   * /usr/bin/python3's torch, or null where it cannot import torch; blasCore: the kernels its OpenBLAS
   * runs under pytorchEnv (null with another BLAS).
   */
  torch: { version: string; blas: string; blasCore: string | null; referenceBlas: boolean } | null;
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

function output(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string | null {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** What backend `name` says of itself (torch.backends.describe() with it chosen); the active backend stays as it was. */
export function backendDescription(name: torch.backends.BackendName): string {
  const active = torch.backends.current();
  torch.backends.use(name);
  try {
    return torch.backends.describe();
  } finally {
    torch.backends.use(active);
  }
}

/** The OpenBLAS kernels tstorch's active backend runs, from its description ("... sgemm/dgemm (SkylakeX kernels)"). */
export function tstorchBlasCore(): string | null {
  return /\((\w+) kernels\)/.exec(torch.backends.describe())?.[1] ?? null;
}

/**
 * The environment PyTorch runs in: OPENBLAS_CORETYPE set to the kernels tstorch's OpenBLAS runs
 * (unless the user set it for both), so that GEMM-bound rows compare the two libraries, not OpenBLAS's
 * choices. tstorch asks for its kernels by the CPU's features; OpenBLAS alone picks them by the CPU's
 * model, and falls back to its slowest ones on a model newer than itself.
 */
export function pytorchEnv(tstorchBlasCore: string | null): NodeJS.ProcessEnv {
  return tstorchBlasCore === null || process.env.OPENBLAS_CORETYPE !== undefined ? process.env : { ...process.env, OPENBLAS_CORETYPE: tstorchBlasCore };
}

/** tstorchBlasCore: what tstorch's active backend reports (see pytorchEnv). */
export function machineInfo(repoRoot: string, tstorchBlasCore: string | null): MachineInfo {
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
    nodeOptions: process.env.NODE_OPTIONS ?? '',
    tstorch: { version: pkg.version, commit: output('git', ['describe', '--always', '--dirty'], repoRoot) ?? 'unknown', blasCore: tstorchBlasCore },
    torch: torchInfo(repoRoot, pytorchEnv(tstorchBlasCore)),
  };
}

// Debian's torch calls whichever libblas.so.3 the dynamic linker finds: the reference (netlib) BLAS
// unless OpenBLAS is installed (or its directory is on LD_LIBRARY_PATH), which is ~30x faster at GEMM.
const TORCH_PROBE = `import ctypes, os, torch
maps = [line.split()[-1] for line in open('/proc/self/maps') if 'blas' in line.rsplit('/', 1)[-1]]
blas = os.path.realpath(maps[0]) if maps else 'none'
print(torch.__version__)
print(blas)
core = getattr(ctypes.CDLL(blas), 'openblas_get_corename', None) if 'openblas' in blas else None
if core is not None: core.restype = ctypes.c_char_p
print(core().decode() if core is not None else '')`;

function torchInfo(repoRoot: string, env: NodeJS.ProcessEnv): MachineInfo['torch'] {
  const lines = output(PYTHON, ['-c', TORCH_PROBE], repoRoot, env)?.split('\n');
  if (lines === undefined || lines.length < 3) return null;
  const blas = lines[1];
  return { version: lines[0], blas, blasCore: lines[2] === '' ? null : lines[2], referenceBlas: !/openblas|mkl|blis/i.test(blas) };
}

// The browser side of the conformance run (conformance.test.ts bundles it with the golden test files and
// calls runConformance in headless Chromium): fetch the fixtures, pick the backend, then import each test
// file and run the tests it registered, collecting one result per test.
import * as torch from 'tstorch';
import { provideFile } from './shims/node-fs.js';
import { runRegistered, type TestResult } from './shims/node-test.js';

type BackendName = Parameters<typeof torch.backends.use>[0];

export interface ConformanceOptions {
  backend: BackendName;
  /** URLs of the bundled test files, in the order to run them. */
  files: string[];
  /** URLs of the fixtures the tests may read. */
  fixtures: string[];
}

export interface ConformanceRun {
  backend: BackendName;
  /** torch.backends.describe() during the run. */
  description: string;
  results: TestResult[];
}

/** The backends this browser has. */
export function availableBackends(): BackendName[] {
  return torch.backends.available();
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceRun> {
  await Promise.all(options.fixtures.map(async (fixture) => {
    const url = new URL(fixture, location.href);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
    provideFile(url, await response.text());
  }));
  torch.backends.use(options.backend);
  const results: TestResult[] = [];
  for (const file of options.files) {
    await (import(file) as Promise<unknown>);
    results.push(...(await runRegistered(file)));
  }
  return { backend: torch.backends.current(), description: torch.backends.describe(), results };
}

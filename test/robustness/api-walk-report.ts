// Prints what the API walk finds, per function: `node dist/test/robustness/api-walk-report.js [group ...]`
// (every bad-argument group by default, those the tests do not run yet included; see
// api-validation.test.ts). For fixing argument checks: the tests only say that a group fails.
import { BAD_ARGUMENT_GROUPS, runGroup, type Group } from './api-walk-worker.js';

const SHOWN_PER_FUNCTION = 3;

const groups: readonly string[] = process.argv.length > 2 ? process.argv.slice(2) : BAD_ARGUMENT_GROUPS;
for (const group of groups) {
  if (!(BAD_ARGUMENT_GROUPS as readonly string[]).includes(group)) throw new Error(`unknown group ${group}; the groups are ${BAD_ARGUMENT_GROUPS.join(', ')}`);
  const report = await runGroup(group as Group);
  console.log(`${group}: ${report.calls} calls, ${report.succeeded} returned, ${report.threw} threw, ${report.failures.length} failed`);
  const byFunction = new Map<string, string[]>();
  for (const f of report.failures) {
    const name = f.call.slice(0, f.call.indexOf('('));
    byFunction.set(name, [...(byFunction.get(name) ?? []), `${f.call}: ${f.problem}`]);
  }
  for (const [name, lines] of byFunction) {
    console.log(`  ${name}: ${lines.length} failed`);
    for (const line of lines.slice(0, SHOWN_PER_FUNCTION)) console.log(`    ${line}`);
  }
}

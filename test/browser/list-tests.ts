// Loaded with --import by conformance.test.ts when it lists the golden tests under Node: from here on the
// test files' node:test is list-node-test.ts, whose test() registers each test with an empty body, so
// that Node reports every test without running one (Node 22 reports nothing for tests that a name
// pattern filters out, so filtering cannot list them).
import { register } from 'node:module';

register('./list-hooks.js', import.meta.url);

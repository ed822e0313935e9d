// A node:test reporter that writes one JSON line per top-level test. conformance.test.ts runs the golden
// test files under Node with it and with their test bodies emptied (list-tests.ts), so that Node lists
// the tests without running them, to compare with the tests the browser ran.
import type { TestEvent } from 'node:test/reporters';

export interface ListedTest {
  name: string;
}

export default async function* listTests(events: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const event of events) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0) {
      const listed: ListedTest = { name: event.data.name };
      yield `${JSON.stringify(listed)}\n`;
    }
  }
}

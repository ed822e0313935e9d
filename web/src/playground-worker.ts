// The playground's worker: runs the editor's programs off the page's thread, so that a program that
// never ends blocks only this worker, which the page can stop (terminate) and start again.
import { runProgram } from './playground.js';
import type { PlaygroundReply, PlaygroundRequest } from './protocol.js';

/** The worker's global scope, typed with only what this file uses (the DOM typings describe a window). */
const scope = self as unknown as {
  postMessage(message: PlaygroundReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<PlaygroundRequest>) => void): void;
};

scope.addEventListener('message', ({ data }) => scope.postMessage({ type: 'result', id: data.id, view: runProgram(data.source) }));
scope.postMessage({ type: 'ready' });

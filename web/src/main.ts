// The page's entry point. Once the editor can run code, the time since navigation started is recorded
// on <body data-interactive-ms>: the page's time to first interaction, which the end-to-end test reads.
import { setUpAutogradPanel } from './autograd-panel.js';
import { setUpTrainingPanel } from './training-panel.js';

setUpAutogradPanel();
document.body.dataset.interactiveMs = performance.now().toFixed(0);
setUpTrainingPanel();

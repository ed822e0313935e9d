// The page's entry point. The page's own thread only draws: the library runs in two workers, the
// playground's and the training's. Once the tutorial's result is on the page, the time since navigation
// started is recorded on <body data-interactive-ms>: the time to first interaction, which the end-to-end
// test reads.
import { setUpAutogradPanel } from './autograd-panel.js';
import { setUpTrainingPanel } from './training-panel.js';

setUpAutogradPanel(() => {
  document.body.dataset.interactiveMs = performance.now().toFixed(0);
});
setUpTrainingPanel();

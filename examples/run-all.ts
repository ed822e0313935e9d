// The README's main job: runs every example in turn, training the Fashion-MNIST classifier last.
const examples = ['tensors', 'autograd-tutorial', 'train-fashion-mnist'];
for (const name of examples) {
  console.log(`==> examples/${name}.ts`);
  await import(`./${name}.js`);
}

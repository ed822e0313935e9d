// The README's main job: runs every example in turn.
const examples = ['tensors', 'autograd-tutorial'];
for (const name of examples) {
  console.log(`==> examples/${name}.ts`);
  await import(`./${name}.js`);
}

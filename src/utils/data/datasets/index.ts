// torch.utils.data.datasets (the datasets torchvision provides in PyTorch)
export { FashionMNIST, toTensor, type FashionMNISTOptions } from './fashion-mnist.js';

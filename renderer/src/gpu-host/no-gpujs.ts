// Stands in for gpu.js when it is not installed (an optional dependency): the GPU host page says so.
export class GPU {
  static isWebGL2Supported = false;
  mode = 'none';
  constructor() {
    throw new Error('gpu.js is not installed with this Quench (npm ci installs it unless it failed to build)');
  }
}

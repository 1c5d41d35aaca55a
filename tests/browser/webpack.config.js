// Bundles the browser test page (tests/browser/page/main.ts + extension/src/models) into
// env.out. onnxruntime-web is resolved to its build that loads the .mjs/.wasm pair from
// ort.env.wasm.wasmPaths at run time (the test server serves them), so nothing is copied or inlined.
const path = require('path');
const root = path.resolve(__dirname, '../..');

module.exports = (env = {}) => ({
  mode: 'development',
  devtool: false,
  context: root,
  target: 'web',
  entry: './tests/browser/page/main.ts',
  experiments: { outputModule: true },
  output: { path: env.out, filename: 'bundle.js', module: true, chunkFormat: 'module', clean: true },
  resolve: {
    extensions: ['.ts', '.js', '.mjs'],
    conditionNames: ['onnxruntime-web-use-extern-wasm', 'import', 'browser', 'default'],
    // model-source requires fs/path lazily for Node only; the browser never reaches that code.
    fallback: { fs: false, path: false },
  },
  module: {
    rules: [{ test: /\.ts$/, loader: 'ts-loader', exclude: /node_modules/, options: { transpileOnly: true, configFile: path.join(root, 'tsconfig.json') } }],
  },
  performance: { hints: false },
  stats: 'errors-warnings',
});

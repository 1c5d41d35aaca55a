// Builds our OHIF plugin as ES modules into build/plugin/: extension.js and mode.js (loaded
// by the prebuilt viewer via window.config.extensions / modes) plus the engine's Web Worker.
const path = require('path');
const root = path.resolve(__dirname, '..');

module.exports = (env, argv) => ({
  mode: argv.mode || 'production',
  context: root,
  entry: {
    extension: './extension/src/ohif/index.ts',
    mode: './modes/segment-any-tissue/index.ts',
  },
  devtool: 'source-map',
  experiments: { outputModule: true },
  output: {
    path: path.join(root, 'build', 'plugin'),
    filename: '[name].js',
    chunkFilename: 'chunks/[name].[contenthash:8].js',
    library: { type: 'module' },
    publicPath: 'auto',
    clean: true,
  },
  resolve: {
    extensions: ['.ts', '.tsx', '.js', '.mjs'],
    // The engine and the SEG writer are pure TS; keep Node built-ins out of the browser bundle.
    fallback: { fs: false, path: false, os: false, zlib: false, crypto: false, url: false, module: false, worker_threads: false, child_process: false },
  },
  module: {
    rules: [{
      test: /\.tsx?$/,
      loader: 'ts-loader',
      exclude: /node_modules/,
      options: { transpileOnly: true, configFile: path.join(__dirname, 'tsconfig.plugin.json') },
    }],
  },
  performance: { hints: false },
});

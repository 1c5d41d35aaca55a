// Builds our OHIF plugin as ES modules into build/plugin/: extension.js and mode.js (loaded
// by the prebuilt viewer via window.config.extensions / modes) plus the engine's Web Worker.
// It type-checks first (ts-loader with the plugin tsconfig): a type error fails the build.
// `--env e2e` adds e2e-hooks.js, an extension only the browser tests load (never the app config).
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');
const ortDist = path.join(root, 'node_modules', 'onnxruntime-web', 'dist');
// The runtime files onnxruntime-web's ESM build imports at run time (WebGPU/JSEP + threaded WASM).
// We serve them from our own origin (/sat/ort/) and point ort.env.wasm.wasmPaths there.
const ORT_RUNTIME = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

/** Emits the ORT runtime files as plain assets under ort/ (no copy plugin dependency). */
class OrtRuntimeAssets {
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    compiler.hooks.thisCompilation.tap('OrtRuntimeAssets', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'OrtRuntimeAssets', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        for (const f of ORT_RUNTIME) {
          const src = path.join(ortDist, f);
          compilation.fileDependencies.add(src);
          // minimized: keep terser off ORT's own .mjs (it is already built and self-references).
          compilation.emitAsset(`ort/${f}`, new RawSource(fs.readFileSync(src)), { minimized: true });
        }
      });
    });
  }
}

module.exports = (env = {}, argv = {}) => ({
  mode: argv.mode || 'production',
  context: root,
  entry: {
    extension: './extension/src/ohif/index.ts',
    mode: './modes/segment-any-tissue/src/index.ts',
    ...(env.e2e ? { 'e2e-hooks': './tests/e2e/hooks/e2e-hooks.ts' } : {}),
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
    // ORT's non-bundled ESM build: it loads its .mjs/.wasm from ort.env.wasm.wasmPaths (our origin)
    // instead of inlining them, so threaded WASM workers start from a real same-origin URL.
    alias: {
      'onnxruntime-web$': path.join(ortDist, 'ort.min.mjs'),
      // The mode names the extension package as an OHIF build would; here it is the folder next door.
      '@segment-any-tissue/ohif-extension': path.join(root, 'extension'),
    },
    // The engine and the SEG writer are pure TS; keep Node built-ins out of the browser bundle.
    fallback: { fs: false, path: false, os: false, zlib: false, crypto: false, url: false, module: false, worker_threads: false, child_process: false },
  },
  module: {
    rules: [{
      test: /\.tsx?$/,
      loader: 'ts-loader',
      exclude: /node_modules/,
      options: { transpileOnly: false, configFile: path.join(__dirname, 'tsconfig.plugin.json') },
    }],
  },
  plugins: [
    new OrtRuntimeAssets(),
    // The mode names its extension by URL in this build (the prebuilt viewer imports mode extensions by URL).
    new (require('webpack').DefinePlugin)({ __SAT_RUNTIME_PLUGIN__: 'true' }),
  ],
  performance: { hints: false },
});

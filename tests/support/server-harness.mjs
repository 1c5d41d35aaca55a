// Test tooling: runs platform-config/server.mjs's createServer in its own process on a free
// loopback port, so a test sees the real server (and whether it is still alive).
// Usage: node server-harness.mjs '<JSON options for createServer>'  (demo: true = the demo study)
// Prints {"port": N} on the first stdout line; a bad setting prints "server: ..." and exits 2.
const opts = JSON.parse(process.argv[2] || '{}');
const { createServer } = await import('../../platform-config/server.mjs');
let server;
try {
  if (opts.demo) opts.demo = await (await import('../../platform-config/demo-dicomweb.mjs')).demoDicomweb();
  server = createServer(opts);
} catch (e) {
  console.error(`server: ${e.message}`);
  process.exit(2);
}
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));

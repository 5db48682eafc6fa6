// Starts fauxqs (needs Node >= 22.5 for node:sqlite) on 127.0.0.1 only — startFauxqs() would bind 0.0.0.0,
// so the app is built with buildApp() and listened on loopback here. Prints a ready line; stops on SIGTERM.
import { buildApp } from 'fauxqs';
const app = buildApp({ logger: false });
await app.listen({ port: Number(process.env.FAUXQS_PORT), host: '127.0.0.1' });
console.log(JSON.stringify({ ready: true, port: Number(process.env.FAUXQS_PORT) }));
process.on('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});

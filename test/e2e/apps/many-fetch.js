// Makes FETCH_CALLS fetch calls (16 at a time) against the test server, prints {"done":true} and ends.
// With OTLP pointed at a dead collector, the process must still end soon after.
'use strict';
const { HTTP, TAG, print } = require('./lib');
const total = Number(process.env.FETCH_CALLS || 2000);

(async () => {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const res = await fetch(`${HTTP}/${TAG}/call/${i}`);
      await res.text();
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const doneAt = Date.now();
  process.on('exit', () => print({ exitAfterMs: Date.now() - doneAt }));
  print({ done: true });
})();

// Small helpers shared by the e2e app scripts (plain CommonJS, no wiretap imports).
'use strict';
exports.HTTP = process.env.HTTP_BASE;
exports.HTTPS = process.env.HTTPS_BASE;
exports.H2 = process.env.H2_BASE;
exports.TAG = process.env.RUN_TAG || 'run';

/** Resolves with { status, body } once the response ended; rejects on the request's error. */
exports.settle = function settle(req, viaEvent) {
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    const onResponse = (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('latin1') }));
    };
    if (viaEvent) req.on('response', onResponse);
    else req.__onResponse = onResponse;
  });
};

exports.print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

'use strict';
// A function that wraps its own handler (what a bundled function does), run without any preload.
const { wrapHandler } = require('../../../../dist/index.js');
const http = require('node:http');

exports.handler = wrapHandler(
  async () =>
    new Promise((resolve, reject) => {
      http.get(`${process.env.DOWNSTREAM}/ok`, (res) => {
        res.resume();
        res.on('end', () => resolve({ wrapped: true, downstream: res.statusCode }));
      }).on('error', reject);
    }),
);

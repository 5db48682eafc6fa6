'use strict';
// A typical function's init: it imports AWS SDK clients at load time (the bench's realistic baseline),
// then each invocation makes one HTTP call to DOWNSTREAM on 127.0.0.1 (no AWS call).
require('@aws-sdk/client-sqs');
require('@aws-sdk/client-dynamodb');
const http = require('node:http');

exports.handler = () =>
  new Promise((resolve, reject) => {
    http.get(`${process.env.DOWNSTREAM}/ok`, (res) => {
      res.resume();
      res.on('end', () => resolve({ downstream: res.statusCode }));
    }).on('error', reject);
  });

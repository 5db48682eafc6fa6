// Prints its command-line arguments and makes one call: the span's resource carries process.command_args.
'use strict';
const http = require('node:http');
const { HTTP, TAG, print } = require('./lib');
http.get(`${HTTP}/${TAG}/args`, (res) => {
  res.resume();
  res.on('end', () => print({ args: process.argv.slice(2) }));
});

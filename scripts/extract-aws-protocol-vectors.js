#!/usr/bin/env node
// Copies the parts of the botocore protocol test vectors that wiretap's AWS protocol tests use into
// test/protocol/vectors/ (error-parsing cases and request-recognition cases), unchanged apart from
// dropping the fields those tests do not read. Provenance: test/protocol/vectors/README.md.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const src = process.argv[2] || path.resolve(__dirname, 'sources/botocore-protocols');
const out = path.resolve(__dirname, '../test/protocol/vectors');
const PROTOCOL_FILES = ['json', 'json_1_0', 'json_1_0-query-compatible', 'query', 'ec2', 'rest-json', 'rest-xml', 'smithy-rpc-v2-cbor', 'smithy-rpc-v2-cbor-query-compatible'];

const errors = [];
const requests = [];
for (const name of PROTOCOL_FILES) {
  const outFile = path.join(src, 'output', `${name}.json`);
  if (fs.existsSync(outFile)) {
    for (const suite of JSON.parse(fs.readFileSync(outFile, 'utf8'))) {
      for (const c of suite.cases) {
        if (!('errorCode' in c)) continue;
        errors.push({ file: `output/${name}.json`, id: c.id, protocol: suite.metadata.protocol, awsQueryCompatible: !!suite.metadata.awsQueryCompatible, operation: c.given.name, response: c.response, errorCode: c.errorCode, errorMessage: c.errorMessage ?? c.error?.Error?.Message ?? c.error?.Message });
      }
    }
  }
  const inFile = path.join(src, 'input', `${name}.json`);
  if (fs.existsSync(inFile)) {
    for (const suite of JSON.parse(fs.readFileSync(inFile, 'utf8'))) {
      for (const c of suite.cases) {
        requests.push({ file: `input/${name}.json`, id: c.id, protocol: suite.metadata.protocol, targetPrefix: suite.metadata.targetPrefix, apiVersion: suite.metadata.apiVersion, operation: c.given.name, serialized: c.serialized });
      }
    }
  }
}
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'botocore-error-cases.json'), `${JSON.stringify(errors, null, 1)}\n`);
fs.writeFileSync(path.join(out, 'botocore-request-cases.json'), `${JSON.stringify(requests)}\n`);
console.log(`${errors.length} error cases, ${requests.length} request cases`);

// Operation names for a sample of services from every AWS protocol: real SDK requests captured on
// loopback (test/vectors/captured, responses synthetic there) plus hand-signed requests for
// protocols no Node SDK sends (ec2Query from v3 is REST-less form; rpc-v2-cbor).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { decodeFixture, type Fixture } from '../../../../src/testing';
import { endpointPrefixes, credentialScope } from '../../../../src/decoders/aws/identify';
import { awsGenericDecoder } from '../../../../src/decoders/aws/generic';

// The core and its generic decoder alone: service decoders built on it (SQS, S3, ...) refine these spans.
const generic = (fx: Fixture) => decodeFixture(fx, { builtIns: false, decoders: [awsGenericDecoder] });

const CAPTURES = path.resolve(__dirname, '../../../../../test/vectors/captured/sdk-wire-captures.json');
const AUTH = (service: string, region = 'us-east-1') =>
  `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;

interface Capture {
  name: string;
  request: { method: string; url: string; host: string; headers: [string, string][]; body?: string; bodyEncoding?: string };
  response: { status: number; headers?: [string, string][]; body?: string };
}

function fromCapture(c: Capture): Fixture {
  const headers: Record<string, string> = {};
  for (const [k, v] of c.request.headers) if (!k.startsWith(':')) headers[k.toLowerCase()] = v;
  const resHeaders: Record<string, string> = {};
  for (const [k, v] of c.response.headers ?? []) resHeaders[k.toLowerCase()] = v;
  const body = c.request.body ? (c.request.bodyEncoding === 'base64' ? { base64: c.request.body } : c.request.body) : undefined;
  return {
    exchange: {
      request: { method: c.request.method, url: `http://${c.request.host}${c.request.url}`, headers, body },
      response: { status: c.response.status, headers: resHeaders, body: c.response.body },
    },
  };
}

const captureExpectations: Record<string, [name: string, protocol: string]> = {
  'v3-sqs-SendMessage': ['SQS.SendMessage', 'json'],
  'v3-eventbridge-PutEvents': ['EventBridge.PutEvents', 'json'],
  'v3-kinesis-PutRecord': ['Kinesis.PutRecord', 'json'],
  'v3-sfn-StartExecution': ['SFN.StartExecution', 'json'],
  'v3-secretsmanager-GetSecretValue': ['SecretsManager.GetSecretValue', 'json'],
  'v3-ssm-GetParameter': ['SSM.GetParameter', 'json'],
  'v3-cloudwatch-PutMetricData': ['CloudWatch.PutMetricData', 'json'],
  'v3-sns-Publish': ['SNS.Publish', 'query'],
  'v3-sts-GetCallerIdentity': ['STS.GetCallerIdentity', 'query'],
  'v2-cloudwatch-PutMetricData': ['CloudWatch.PutMetricData', 'query'],
  'v2-sns-Publish': ['SNS.Publish', 'query'],
  'v3-lambda-Invoke': ['Lambda.Invoke', 'rest-json'],
  'v2-lambda-Invoke': ['Lambda.Invoke', 'rest-json'],
  'v3-bedrock-InvokeModel': ['BedrockRuntime.InvokeModel', 'rest-json'],
  'v3-s3-PutObject': ['S3.PutObject', 'rest-xml'],
  'v3-s3-GetObject': ['S3.GetObject', 'rest-xml'],
  'v3-s3-ListObjectsV2': ['S3.ListObjectsV2', 'rest-xml'],
  'v2-s3-PutObject': ['S3.PutObject', 'rest-xml'],
};

describe('AWS operation names from real SDK captures', () => {
  const captures: Capture[] = JSON.parse(fs.readFileSync(CAPTURES, 'utf8'));
  for (const [scenario, [name, protocol]] of Object.entries(captureExpectations)) {
    it(`${scenario} → ${name} (${protocol})`, () => {
      const c = captures.find((x) => x.name === scenario);
      expect(c, scenario).to.not.equal(undefined);
      const span = generic(fromCapture(c!));
      expect(span.name).to.equal(name);
      expect(span.decoder).to.equal('aws');
      expect(span.attributes['rpc.system']).to.equal('aws-api');
      expect(span.attributes['wiretap.aws.protocol']).to.equal(protocol);
      expect(span.attributes['cloud.region']).to.equal('us-east-1');
      expect(span.kind).to.equal('client');
    });
  }

  it('gives table identifiers and REST labels as wiretap.aws.resource.*', () => {
    const captures2: Capture[] = JSON.parse(fs.readFileSync(CAPTURES, 'utf8'));
    const lambda = generic(fromCapture(captures2.find((x) => x.name === 'v3-lambda-Invoke')!));
    expect(lambda.attributes['wiretap.aws.resource.FunctionName']).to.equal('my-fn');
    const s3 = generic(fromCapture(captures2.find((x) => x.name === 'v3-s3-PutObject')!));
    expect(s3.attributes['wiretap.aws.resource.Bucket']).to.equal('my-bucket');
    expect(s3.attributes['wiretap.aws.resource.Key']).to.equal('logs/a b.txt');
    const sqs = generic(fromCapture(captures2.find((x) => x.name === 'v3-sqs-nosuchqueue-GetQueueUrl')!));
    expect(sqs.attributes['error.type']).to.equal('AWS.SimpleQueueService.NonExistentQueue');
    expect(sqs.error?.type).to.equal('AWS.SimpleQueueService.NonExistentQueue');
  });
});

describe('AWS operation names from hand-signed requests', () => {
  const signed = (request: Fixture['exchange']['request'], response: Fixture['exchange']['response'] = { status: 200 }): Fixture => ({ exchange: { request, response } });

  it('ec2Query: Action= with the EC2 API version', () => {
    const span = generic(
      signed(
        { method: 'POST', url: 'https://ec2.eu-west-1.amazonaws.com/', headers: { authorization: AUTH('ec2', 'eu-west-1'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: 'Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0' },
        { status: 400, headers: { 'content-type': 'text/xml' }, body: '<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID does not exist</Message></Error></Errors><RequestID>ec2-req-1</RequestID></Response>' },
      ),
    );
    expect(span.name).to.equal('EC2.DescribeInstances');
    expect(span.attributes['wiretap.aws.protocol']).to.equal('ec2');
    expect(span.attributes['cloud.region']).to.equal('eu-west-1');
    expect(span.attributes['error.type']).to.equal('InvalidInstanceID.NotFound');
    expect(span.attributes['aws.request_id']).to.equal('ec2-req-1');
  });

  it('rpc-v2-cbor: CloudWatch over /service/.../operation/...', () => {
    const span = generic(
      signed(
        { method: 'POST', url: 'https://monitoring.us-west-2.amazonaws.com/service/GraniteServiceVersion20100801/operation/GetMetricData', headers: { authorization: AUTH('monitoring', 'us-west-2'), 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', accept: 'application/cbor' }, body: { base64: 'v/8=' } },
        { status: 400, headers: { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor', 'x-amzn-requestid': 'cw-1' }, body: { base64: 'v2ZfX3R5cGV4LnNtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNJbnZhbGlkR3JlZXRpbmdnTWVzc2FnZWJIaf8=' } },
      ),
    );
    expect(span.name).to.equal('CloudWatch.GetMetricData');
    expect(span.attributes['wiretap.aws.protocol']).to.equal('rpc-v2-cbor');
    expect(span.attributes['error.type']).to.equal('InvalidGreeting');
    expect(span.attributes['aws.request_id']).to.equal('cw-1');
  });

  it('shared signing name: dynamodb streams by target prefix; DynamoDB on an account-based host', () => {
    const streams = generic(signed({ method: 'POST', url: 'https://streams.dynamodb.us-east-1.amazonaws.com/', headers: { authorization: AUTH('dynamodb'), 'x-amz-target': 'DynamoDBStreams_20120810.GetRecords', 'content-type': 'application/x-amz-json-1.0' }, body: '{"ShardIterator":"abc"}' }));
    expect(streams.name).to.equal('DynamoDBStreams.GetRecords');
    const ddb = decodeFixture(signed({ method: 'POST', url: 'https://123456789012.ddb.us-east-1.amazonaws.com/', headers: { authorization: AUTH('dynamodb'), 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0' }, body: '{"TableName":"users","Key":{"id":{"S":"1"}}}' }));
    expect(ddb.name).to.equal('DynamoDB.GetItem');
    expect(ddb.decoder).to.equal('aws.dynamodb');
  });

  it('S3: presigned URL, virtual-hosted bucket, the required-query discriminator (UploadPart)', () => {
    const presigned = generic(signed({ method: 'GET', url: `https://my-bucket.s3.us-east-2.amazonaws.com/reports/q1.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-2%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=${'0'.repeat(64)}` }));
    expect(presigned.name).to.equal('S3.GetObject');
    expect(presigned.attributes['cloud.region']).to.equal('us-east-2');
    expect(presigned.attributes['wiretap.aws.resource.Bucket']).to.equal('my-bucket');
    expect(presigned.attributes['wiretap.aws.resource.Key']).to.equal('reports/q1.csv');
    const part = generic(signed({ method: 'PUT', url: 'https://s3.us-east-1.amazonaws.com/b/big.bin?partNumber=2&uploadId=UP1', headers: { authorization: AUTH('s3') } }));
    expect(part.name).to.equal('S3.UploadPart');
    const copy = generic(signed({ method: 'PUT', url: 'https://s3.us-east-1.amazonaws.com/b/k', headers: { authorization: AUTH('s3'), 'x-amz-copy-source': '/a/b' } }, { status: 200, headers: { 'x-amz-request-id': 'R1', 'x-amz-id-2': 'EXT1' }, body: '<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>' }));
    expect(copy.name).to.equal('S3.CopyObject');
    expect(copy.error?.type).to.equal('InternalError');
    expect(copy.attributes['aws.extended_request_id']).to.equal('EXT1');
  });

  it('a hostname alone is never enough: unsigned AWS-looking hosts stay generic HTTP', () => {
    const span = decodeFixture(signed({ method: 'POST', url: 'https://dynamodb.us-east-1.amazonaws.com/', headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body: '{}' }));
    expect(span.decoder).to.equal('http');
  });

  it('a signed request the table cannot route is still named by its service', () => {
    const span = generic(signed({ method: 'GET', url: 'https://lambda.us-east-1.amazonaws.com/no/such/route', headers: { authorization: AUTH('lambda') } }));
    expect(span.name).to.equal('Lambda');
    expect(span.attributes['rpc.service']).to.equal('Lambda');
    expect(span.attributes).to.not.have.property('rpc.method');
  });
});

describe('AWS identification helpers', () => {
  it('endpoint prefixes from hosts: regional, FIPS, dualstack, VPC endpoint, account-based, non-AWS', () => {
    expect(endpointPrefixes('dynamodb.us-east-1.amazonaws.com', 'us-east-1')).to.deep.equal(['dynamodb']);
    expect(endpointPrefixes('dynamodb-fips.us-gov-west-1.amazonaws.com', 'us-gov-west-1')).to.deep.equal(['dynamodb']);
    expect(endpointPrefixes('dynamodb.us-east-1.api.aws', 'us-east-1')).to.deep.equal(['dynamodb']);
    expect(endpointPrefixes('s3.dualstack.eu-west-1.amazonaws.com', 'eu-west-1')).to.deep.equal(['s3']);
    expect(endpointPrefixes('vpce-0abc-xyz.sqs.us-east-1.vpce.amazonaws.com', 'us-east-1')).to.deep.equal(['sqs']);
    expect(endpointPrefixes('123456789012.ddb.us-east-1.amazonaws.com', 'us-east-1')).to.deep.equal(['dynamodb']);
    expect(endpointPrefixes('streams.dynamodb.us-east-1.amazonaws.com', 'us-east-1')).to.deep.equal(['streams.dynamodb', 'dynamodb']);
    expect(endpointPrefixes('localhost', 'us-east-1')).to.deep.equal([]);
  });

  it('credential scope from header, presigned query and SigV4a', () => {
    const head = (headers: Record<string, string>, query = '') => ({ method: 'GET', scheme: 'https' as const, host: 'x', port: 443, path: '/', query, headers, protocolVersion: '1.1', transport: 'http' as const });
    expect(credentialScope(head({ authorization: AUTH('dynamodb', 'ap-south-1') }))).to.deep.include({ signingName: 'dynamodb', region: 'ap-south-1' });
    expect(credentialScope(head({}, 'X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Feu-west-1%2Fs3%2Faws4_request'))).to.deep.include({ signingName: 's3', region: 'eu-west-1', presigned: true });
    expect(credentialScope(head({ authorization: 'AWS4-ECDSA-P256-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/s3/aws4_request, SignedHeaders=host, Signature=00', 'x-amz-region-set': 'us-west-2' }))).to.deep.include({ signingName: 's3', region: 'us-west-2' });
    expect(credentialScope(head({ authorization: 'Bearer FAKE-TOKEN' }))).to.equal(undefined);
  });
});

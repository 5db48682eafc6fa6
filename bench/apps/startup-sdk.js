'use strict';
// Workload (d): the cost of loading the AWS SDK DynamoDB client (and constructing one).
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'A', secretAccessKey: 'B' } }).destroy();

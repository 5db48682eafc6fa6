// Service scenarios of the demo (AWS, Stripe, Algolia), each run when its fake server is up.
'use strict';
module.exports = [];

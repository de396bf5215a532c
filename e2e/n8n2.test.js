// The end-to-end suite against n8n 2.x (Node 24). The test body is shared: lib/suite.js.
'use strict';

require('./lib/suite').defineSuite('2');

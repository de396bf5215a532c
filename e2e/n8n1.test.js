// The end-to-end suite against n8n 1.x (system Node 20). The test body is shared: lib/suite.js.
'use strict';

require('./lib/suite').defineSuite('1');

#!/usr/bin/env node
require('../dist/engine/cli.js');

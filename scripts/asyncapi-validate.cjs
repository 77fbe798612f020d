#!/usr/bin/env node
// Validates AsyncAPI documents with the AsyncAPI initiative's own parser (@asyncapi/parser, installed by
// scripts/infra up into $BUS_INFRA_HOME/npm): schema and semantic rules. Prints every diagnostic; exits 1 when one
// is an error.   scripts/asyncapi-validate.cjs FILE...
const fs = require('fs');
const path = require('path');
const os = require('os');
const home = process.env.BUS_INFRA_HOME || path.join(os.homedir(), '.cache', 'bus-infra');
const { Parser } = require(path.join(home, 'npm', 'node_modules', '@asyncapi', 'parser'));

const SEVERITY = ['error', 'warning', 'info', 'hint'];

(async () => {
  const parser = new Parser();
  let failed = false;
  for (const file of process.argv.slice(2)) {
    const diagnostics = await parser.validate(fs.readFileSync(file, 'utf8'));
    for (const d of diagnostics) {
      console.log(`${file}: ${SEVERITY[d.severity]} ${d.code} at ${d.path.join('/')}: ${d.message}`);
    }
    const errors = diagnostics.filter((d) => d.severity === 0).length;
    failed = failed || errors > 0;
    console.log(`${file}: ${errors === 0 ? 'valid' : 'invalid'} (${errors} errors, ${diagnostics.length - errors} other)`);
  }
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });

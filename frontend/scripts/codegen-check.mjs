#!/usr/bin/env node
// CI's check that src/lib/generated/graphql.ts is current: GraphQL Code Generator's dry run
// (`--check`) from schema.graphql and the documents in src/, no server asked. Fails when a
// document does not validate against the schema or the checked-in file differs from what the
// generator would write; `npm run codegen` writes it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '@graphql-codegen', 'cli', 'esm', 'bin.js');
const run = spawnSync(process.execPath, [bin, '--config', 'codegen.ts', '--check', '--errors-only'], {
  cwd: root,
  encoding: 'utf8',
});
process.stdout.write(run.stdout ?? '');
process.stderr.write(run.stderr ?? '');
if (run.error) {
  console.error(`codegen:check: could not run GraphQL Code Generator: ${run.error.message}`);
  process.exit(2);
}
if (run.status !== 0) {
  const stale = /stale files were detected/.test(`${run.stdout}${run.stderr}`);
  console.error(
    stale
      ? 'codegen:check: src/lib/generated/graphql.ts is out of date with schema.graphql and the GraphQL documents in src/.\n' +
          '  Run `npm --prefix frontend run codegen` and commit the result (after `cargo run -- schema > frontend/schema.graphql` if the server changed).'
      : 'codegen:check: GraphQL Code Generator failed (see above): a document in src/ does not validate against schema.graphql, or the configuration is broken.',
  );
  process.exit(1);
}
console.log('codegen:check: src/lib/generated/graphql.ts is current.');

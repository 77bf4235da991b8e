// The entry of dist/cli/execute.js (scripts/bundle-cli.mjs), which bin/run.js imports.
export {execute} from '@oclif/core/execute';

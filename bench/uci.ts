/**
 * UCI benchmark (a script, not a test): `npm run uci -- --data-dir <folder> --method mc-dropout|vi|ensemble`
 * builds and runs dist/bench/uci.js. See bench/uci/command.ts (or --help) for the options.
 */
import { runUciCli } from './uci/command.js';

const code = await runUciCli(process.argv.slice(2), {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
  env: process.env,
});
// Dawn can keep the event loop alive after the device is destroyed: flush, then exit explicitly.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);

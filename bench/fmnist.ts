/**
 * Fashion-MNIST uncertainty benchmark (a script, not a test): `npm run bench:fmnist` builds and
 * runs dist/bench/fmnist.js. See bench/fmnist/command.ts (or --help) and bench/README.md.
 */
import { runFmnistCli } from './fmnist/command.js';

const code = await runFmnistCli(process.argv.slice(2), {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
});
// Dawn can keep the event loop alive after the device is destroyed: flush, then exit explicitly.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);

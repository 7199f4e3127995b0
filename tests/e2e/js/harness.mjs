// harness.mjs - boot a real drillsim for a JS SDK v3 test file and give clients for it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const build = process.env.DRILLSIM_BUILD || path.join(here, '..', '..', '..', 'build');

export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

// Starts drillsim on a free port with a throwaway store; resolves to { endpoint, stop() }.
export function startDrillsim(args = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(path.join(build, 'drillsim'), ['--port', '0', '--data', ':memory:', ...args],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => { proc.kill(); reject(new Error('drillsim did not start')); }, 10000);
    const rl = createInterface({ input: proc.stdout });
    rl.on('line', (line) => {
      const m = line.match(/^drillsim listening on (http:\/\/[\d.]+:\d+)$/);
      if (m) {
        clearTimeout(timer);
        resolve({
          endpoint: m[1],
          stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); }),
        });
      }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`drillsim exited ${code}`)); });
  });
}

// Client configuration for an SDK v3 client against drillsim.
export function clientConfig(endpoint, { accessKeyId = 'AKIAIOSFODNN7EXAMPLE', region = 'us-east-1', ...rest } = {}) {
  return { endpoint, region, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey: SECRET }, ...rest };
}

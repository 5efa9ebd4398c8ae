// Run first by `npm test`: the browser tests drive Debian's Chromium (CHROMIUM_PATH, else
// /usr/bin/chromium), never Playwright's download. Where it is missing, installs it with
// apt-get when running as root on Debian/Ubuntu; otherwise stops at once with one line
// saying what to install, instead of twenty failing test files.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const runnable = () => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const stop = (line) => {
  console.error(line);
  process.exit(1);
};

if (!runnable()) {
  const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  const canInstall = process.platform === 'linux' && process.getuid?.() === 0 && hasAptGet && !process.env.CHROMIUM_PATH;
  if (!canInstall) {
    stop(process.env.CHROMIUM_PATH
      ? `Chromium not found at CHROMIUM_PATH=${path}: point CHROMIUM_PATH at a Chromium binary, or unset it and install Debian's (apt-get install -y chromium).`
      : 'Chromium not found at /usr/bin/chromium: install it (sudo apt-get install -y chromium on Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium binary.');
  }
  console.log('Chromium is missing: installing Debian\'s chromium with apt-get (once).');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) stop(`apt-get ${args.join(' ')} failed: install chromium by hand (apt-get install -y chromium) and run npm test again.`);
  }
  if (!runnable()) stop(`apt-get installed chromium but ${path} is still missing: set CHROMIUM_PATH to its binary.`);
}

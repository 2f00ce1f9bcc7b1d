// Validates the HTML of every page the browser suite checked (saved in e2e/html/) with the
// Nu HTML Checker (vnu-jar, run on the machine's Java). Exits non-zero on any error.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, 'html');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => path.join(dir, f)) : [];
if (files.length === 0) {
  console.error('validate-html: no pages saved; run the browser suite first');
  process.exit(1);
}
const jar = path.join(here, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'gnu', ...files], { encoding: 'utf8' });
const out = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
if (run.status !== 0 || out) {
  console.error(out || `vnu exited with ${run.status}`);
  console.error(`validate-html: errors in the pages above (${files.length} pages checked)`);
  process.exit(1);
}
console.log(`validate-html: ${files.length} pages, no errors`);

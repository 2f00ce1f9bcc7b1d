import fs from 'node:fs';
import path from 'node:path';

/** Runs once per `playwright test`: screenshots of an earlier run never linger. */
export default function globalSetup(): void {
  fs.rmSync(path.resolve(__dirname, 'screenshots'), { recursive: true, force: true });
  fs.rmSync(path.resolve(__dirname, 'html'), { recursive: true, force: true });
}

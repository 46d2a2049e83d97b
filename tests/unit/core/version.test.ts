import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { APP_VERSION } from '../../../electron/core/version.ts';

it('reports the version in package.json', () => {
  const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as {
    version: string;
  };
  expect(APP_VERSION).toBe(pkg.version);
});

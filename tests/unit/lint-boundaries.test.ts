import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: resolve(import.meta.dirname, '../..') });

async function ruleIdsFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(import.meta.dirname, '../..', file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'parse-error');
}

/** The architecture's boundaries are rules: each forbidden import below must fail lint, and each allowed one must pass. */
describe('import boundaries', () => {
  it.each([
    ['shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    ['shared/x.ts', "import fs from 'fs';\nexport const a = fs;\n"],
    ['shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['shared/x.ts', "import { useState } from 'react';\nexport const a = useState;\n"],
    ['shared/x.ts', "import { createCore } from '../electron/core/app.ts';\nexport const a = createCore;\n"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"],
    ['renderer/src/x.ts', "import { createCore } from '../../electron/core/app.ts';\nexport const a = createCore;\n"],
    ['renderer/src/x.ts', "import { join } from 'node:path';\nexport const a = join;\n"],
    ['electron/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['electron/core/x.ts', "export const a = import('electron');\n"],
    ['electron/main/window-extra.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n"],
  ])('%s: forbids %s', async (file, code) => {
    const rules = await ruleIdsFor(file, code);
    expect(rules.some((r) => r === 'no-restricted-imports' || r === 'no-restricted-syntax')).toBe(true);
  });

  it.each([
    ['shared/x.ts', "import { z } from 'zod';\nexport const a = z;\n"],
    ['renderer/src/x.ts', "import { contract } from '../../shared/contract.ts';\nexport const a = contract;\n"],
    ['electron/main/ipc.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n"],
    ['electron/main/window-extra.ts', "import { BrowserWindow } from 'electron';\nexport const a = BrowserWindow;\n"],
    ['electron/core/x.ts', "import { join } from 'node:path';\nexport const a = join;\n"],
  ])('%s: allows %s', async (file, code) => {
    expect(await ruleIdsFor(file, code)).toEqual([]);
  });

  it('forbids console.log in app code', async () => {
    expect(await ruleIdsFor('electron/core/x.ts', "console.log('hi');\n")).toContain('no-console');
  });
});

import Conf from 'conf';
import type { Options } from 'electron-store';

/**
 * electron-store without Electron, for `vi.mock('electron-store', …)`: the
 * same Conf base class and the same option mapping (`name` → `configName`),
 * minus the parts that need a running Electron (app paths, ipcMain). The
 * real electron-store cannot load under Node: importing `electron` there
 * tries to download the Electron binary.
 */
export class ConfElectronStore<T extends Record<string, unknown> = Record<string, unknown>> extends Conf<T> {
  static readonly opened: Options<Record<string, unknown>>[] = [];

  constructor(options: Options<T> = {}) {
    const { name = 'config', ...rest } = options;
    if (rest.cwd === undefined) throw new Error('Tests must give electron-store an explicit cwd');
    super({ ...rest, configName: name, projectVersion: '0.0.0' });
    ConfElectronStore.opened.push(options as Options<Record<string, unknown>>);
  }
}

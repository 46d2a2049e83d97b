import type * as FsPromises from 'node:fs/promises';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelError } from '../../../electron/core/channels/adapter.ts';
import { openSiteFolder, siteSegments } from '../../../electron/core/channels/static-site/site-folder.ts';
import { adapter, publish, publishContext, ref, settingsFor, source, tempFolders } from './static-site-fixtures.ts';

/**
 * The adapter never writes outside the chosen folder, and every write is
 * atomic. `rename` is wrapped so a test can make it fail, as a crash
 * between writing the temporary file and moving it into place would.
 */
const failRename = vi.hoisted(() => ({ when: (_to: string): boolean => false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (failRename.when(String(to))) throw Object.assign(new Error('simulated crash before rename'), { code: 'EIO' });
      return actual.rename(from, to);
    },
  };
});

const folders: ReturnType<typeof tempFolders>[] = [];
afterEach(() => {
  failRename.when = () => false;
  folders.splice(0).forEach((f) => f.dispose());
});

function site() {
  const f = tempFolders();
  folders.push(f);
  mkdirSync(f.site);
  mkdirSync(f.outside);
  writeFileSync(join(f.outside, 'precious.txt'), 'do not touch');
  return { ...f, settings: settingsFor(f.site) };
}

function expectRefused(error: unknown, pattern: RegExp): void {
  expect(error).toBeInstanceOf(ChannelError);
  expect((error as ChannelError).failure.kind).toBe('rejected');
  expect((error as ChannelError).message).toMatch(pattern);
  expect((error as ChannelError).message).toMatch(/Nothing was written outside the site folder/);
}

const catching = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('static site: never writes outside the folder', () => {
  it.each([
    ['../escape.html', /climbs out of the site folder/],
    ['news/../../escape.html', /climbs out of the site folder/],
    ['/etc/passwd', /only paths inside the site folder/],
    ['news\\..\\x', /only paths inside the site folder/],
    ['news/a\0b', /NUL character/],
    ['news//index.html', /is not a plain file name/],
    ['./index.html', /is not a plain file name/],
  ])('the writer refuses %j with a clear error', async (path, why) => {
    const s = site();
    const folder = await openSiteFolder(s.site);
    expect(() => siteSegments(path)).toThrow(why);
    expectRefused(await catching(folder.write(path, 'x')), why);
    expectRefused(await catching(folder.remove(path)), why);
    expect(readdirSync(s.root).sort()).toEqual(['outside', 'site']);
    expect(readdirSync(s.site)).toEqual([]);
  });

  it('a "../" slug cannot come from a title, and a crafted one is refused on retract', async () => {
    const s = site();
    const result = await publish(s.settings, source({ title: '../../outside/precious' }));
    expect(result.externalId).toBe('outside-precious');
    const error = await catching(
      adapter.retract?.(ref('../outside'), publishContext(s.settings, source())) ?? Promise.resolve(),
    );
    expectRefused(error, /climbs out of the site folder/);
    expect(readFileSync(join(s.outside, 'precious.txt'), 'utf8')).toBe('do not touch');
  });

  it('refuses to write through a symlinked folder inside the site that points outside', async () => {
    const s = site();
    symlinkSync(s.outside, join(s.site, 'news'));
    const error = await catching(publish(s.settings, source()));
    expectRefused(error, /symbolic link in the site folder points outside it/);
    expect(readdirSync(s.outside)).toEqual(['precious.txt']);
  });

  it('refuses to replace or remove a symlinked file that points outside', async () => {
    const s = site();
    symlinkSync(join(s.outside, 'precious.txt'), join(s.site, 'index.html'));
    const folder = await openSiteFolder(s.site);
    expectRefused(await catching(folder.write('index.html', 'x')), /points outside it/);
    expectRefused(await catching(folder.remove('index.html')), /points outside it/);
    expectRefused(await catching(publish(s.settings, source())), /points outside it/);
    expect(readFileSync(join(s.outside, 'precious.txt'), 'utf8')).toBe('do not touch');
  });

  it('follows a symlink that stays inside the site', async () => {
    const s = site();
    mkdirSync(join(s.site, 'real-news'));
    symlinkSync(join(s.site, 'real-news'), join(s.site, 'news'));
    await publish(s.settings, source());
    expect(readdirSync(join(s.site, 'real-news'))).toEqual(['bin-collections-change']);
  });

  it('the folder itself may be reached through a link (its real path becomes the root)', async () => {
    const s = site();
    symlinkSync(s.site, join(s.root, 'link-to-site'));
    await publish(settingsFor(join(s.root, 'link-to-site')), source());
    expect(existsSync(join(s.site, 'news/bin-collections-change/index.html'))).toBe(true);
  });
});

describe('static site: atomic writes', () => {
  /** Every file in the site, with temporary files (".name.random.tmp") included. */
  const everything = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

  it('leaves no temporary files and writes world-readable files', async () => {
    const s = site();
    await publish(s.settings, source());
    await publish(s.settings, source({ contentHash: 'hash-2', title: 'Changed' }));
    expect(everything(s.site).filter((p) => p.endsWith('.tmp'))).toEqual([]);
    expect(statSync(join(s.site, 'news/bin-collections-change/index.html')).mode & 0o777).toBe(0o644);
  });

  it('a crash before a rename leaves the old file whole and no temporary file behind', async () => {
    const s = site();
    await publish(s.settings, source());
    const before = readFileSync(join(s.site, 'feed.xml'), 'utf8');
    const page = readFileSync(join(s.site, 'news/bin-collections-change/index.html'), 'utf8');
    failRename.when = (to) => to.endsWith('feed.xml');
    const error = await catching(
      publish(s.settings, source({ contentHash: 'hash-2', title: 'Bin collections change again' }), { key: 'k2' }),
    );
    expect(error).toBeInstanceOf(ChannelError);
    // A local disk error is worth another try: publishing is idempotent, so a retry finishes the job.
    expect((error as ChannelError).failure.kind).toBe('retryable');
    expect(readFileSync(join(s.site, 'feed.xml'), 'utf8')).toBe(before);
    expect(readFileSync(join(s.site, 'news/bin-collections-change/index.html'), 'utf8')).not.toBe(page);
    // The manifest is written last, so it still describes the old state.
    expect(readFileSync(join(s.site, 'town-crier-site.json'), 'utf8')).toContain('"title": "Bin collections change"');
    expect(everything(s.site).filter((p) => p.endsWith('.tmp'))).toEqual([]);

    failRename.when = () => false;
    await publish(s.settings, source({ contentHash: 'hash-2', title: 'Bin collections change again' }), { key: 'k2' });
    expect(readFileSync(join(s.site, 'feed.xml'), 'utf8')).toContain('Bin collections change again');
  });
});

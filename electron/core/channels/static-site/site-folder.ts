import { lstat, mkdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { join, relative, isAbsolute, sep } from 'node:path';
import { ChannelError } from '../adapter.ts';
import { writeFileAtomic } from '../../fs/atomic-write.ts';

/**
 * The only way the static-site adapter touches the disk. Every path is
 * relative to the chosen folder, made of plain segments, and checked against
 * the folder's real path (symbolic links resolved) before anything is
 * written or removed, so an update can never write outside the folder: not
 * through a crafted slug, and not through a link someone left in the folder.
 */

/** Site files are read by a web server, so they are world-readable (the atomic writer defaults to 0600). */
const FILE_MODE = 0o644;

/** A plain file or folder name: letters, digits, dot, hyphen, underscore; never "." or "..". */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export type SiteFolder = {
  /** The folder's real path. */
  readonly root: string;
  /** Writes a file atomically (temp file, fsync, rename), creating its folders inside the site. */
  write(relativePath: string, data: string | Uint8Array): Promise<void>;
  /** Reads a file, or undefined when it does not exist. */
  read(relativePath: string): Promise<string | undefined>;
  /** Removes a file or a folder and everything in it; nothing happens when it is not there. */
  remove(relativePath: string): Promise<void>;
};

/** Why a path was refused, in plain English, as a permanent channel error. */
function refused(relativePath: string, why: string): ChannelError {
  return ChannelError.rejected(
    `Town Crier refused to write "${relativePath.slice(0, 200)}": ${why}. Nothing was written outside the site folder.`,
  );
}

/**
 * Splits a site-relative path into checked segments. Refuses absolute paths,
 * "..", ".", empty segments, backslashes and NUL: a slug comes from
 * `slugify`, which cannot make them, but this guard does not rely on that.
 */
export function siteSegments(relativePath: string): string[] {
  if (relativePath.includes('\0')) throw refused(relativePath, 'the path contains a NUL character');
  if (isAbsolute(relativePath) || relativePath.startsWith('/') || relativePath.includes('\\')) {
    throw refused(relativePath, 'only paths inside the site folder are allowed');
  }
  const segments = relativePath.split('/');
  for (const segment of segments) {
    if (segment === '..') throw refused(relativePath, 'the path climbs out of the site folder with ".."');
    if (!SEGMENT.test(segment)) throw refused(relativePath, `"${segment.slice(0, 80)}" is not a plain file name`);
  }
  return segments;
}

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function errorCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Problems with the folder itself: it has gone, or cannot be written. A person must fix the folder. */
export function folderError(folder: string, error: unknown): ChannelError {
  const code = errorCode(error);
  if (error instanceof ChannelError) return error;
  if (code === 'ENOENT') return ChannelError.rejected(`The site folder ${folder} does not exist.`, 'settings.folder');
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return ChannelError.rejected(`Town Crier may not write to the site folder ${folder} (${code}).`, 'settings.folder');
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return ChannelError.retryable(`The disk holding ${folder} is full (${code}).`);
  }
  return ChannelError.retryable(
    `Writing to the site folder ${folder} failed (${code ?? (error instanceof Error ? error.message.slice(0, 200) : 'error')}).`,
    undefined,
    { cause: error },
  );
}

/**
 * Opens the chosen folder: it must exist and be a directory (its real path,
 * through any link to it, is the root that every write is checked against).
 */
export async function openSiteFolder(folder: string): Promise<SiteFolder> {
  let root: string;
  try {
    root = await realpath(folder);
    if (!(await stat(root)).isDirectory()) {
      throw ChannelError.rejected(`The site folder ${folder} is a file, not a folder.`, 'settings.folder');
    }
  } catch (error) {
    throw folderError(folder, error);
  }

  /** Checks one existing entry: a link is followed, and must stay inside the site. */
  async function checkEntry(path: string, relativePath: string): Promise<'missing' | 'dir' | 'file'> {
    let info;
    try {
      info = await lstat(path);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 'missing';
      throw error;
    }
    if (info.isSymbolicLink()) {
      const target = await realpath(path).catch(() => undefined);
      if (target === undefined || !isInside(root, target)) {
        throw refused(relativePath, 'a symbolic link in the site folder points outside it');
      }
      return (await stat(target)).isDirectory() ? 'dir' : 'file';
    }
    return info.isDirectory() ? 'dir' : 'file';
  }

  /** Resolves a checked path, creating its parent folders one at a time (never through a link that leaves). */
  async function resolveTarget(relativePath: string, create: boolean): Promise<string | undefined> {
    const segments = siteSegments(relativePath);
    let current = root;
    for (const [index, segment] of segments.entries()) {
      const next = join(current, segment);
      const sofar = segments.slice(0, index + 1).join('/');
      const kind = await checkEntry(next, sofar);
      const last = index === segments.length - 1;
      if (!last) {
        if (kind === 'missing') {
          if (!create) return undefined;
          await mkdir(next, { mode: 0o755 });
        } else if (kind === 'file') {
          throw refused(relativePath, `"${sofar}" is a file, not a folder`);
        }
      }
      current = next;
    }
    // The parent's real path is checked once more after creating it: the last word on where this lands.
    const parent = await realpath(join(current, '..'));
    if (!isInside(root, parent)) throw refused(relativePath, 'it resolves outside the site folder');
    return current;
  }

  return {
    root,
    async write(relativePath, data) {
      const target = await resolveTarget(relativePath, true);
      if (target === undefined) throw refused(relativePath, 'its folder could not be created');
      await writeFileAtomic(target, data, FILE_MODE);
    },
    async read(relativePath) {
      const target = await resolveTarget(relativePath, false);
      if (target === undefined) return undefined;
      try {
        return await readFile(target, 'utf8');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return undefined;
        throw error;
      }
    },
    async remove(relativePath) {
      const target = await resolveTarget(relativePath, false);
      if (target === undefined) return;
      await rm(target, { recursive: true, force: true });
    },
  };
}

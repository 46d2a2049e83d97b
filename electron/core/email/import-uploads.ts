import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { CoreError } from '../errors.ts';
import { currentActor, type UserActor } from '../people/actor.ts';
import { importSubscribers, type ImportDeps, type ImportReport } from './subscriber-import.ts';

/**
 * CSV import by upload, for a UI that cannot name a file on the core's
 * machine (a browser on the web host): `begin` starts the SAME streaming
 * importer on a pipe, each `chunk` (at most 1 MB of text, in order, once
 * each) is written into the pipe and answered once the importer has room for
 * more, and `finish` closes the pipe and returns the importer's report. So an
 * upload of 200,000 rows is parsed and merged while it arrives, with one
 * chunk (plus the pipe's small buffer) in memory, and its report is exactly
 * the path import's. An upload left idle for `idleMs` is abandoned: the pipe
 * is closed with an error, and rows merged before then stay merged, as when a
 * path import fails half way.
 */

/** The largest chunk, in UTF-8 bytes. The web host accepts request bodies of up to 15 MB. */
export const MAX_CHUNK_BYTES = 1024 * 1024;
/** The largest whole upload (about four million typical rows). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** An upload with no chunk for this long is abandoned. */
export const DEFAULT_IDLE_MS = 10 * 60 * 1000;

type Upload = {
  id: string;
  personId: string;
  fileName: string;
  nextSequence: number;
  bytes: number;
  pipe: PassThrough;
  report: Promise<ImportReport>;
  failure: unknown;
  settled: boolean;
  timer?: NodeJS.Timeout;
  busy: boolean;
};

export type ImportUploadsDeps = ImportDeps & { idleMs?: number };

const GONE = 'That import has ended or expired (an import waits at most 10 minutes for the next part): start it again';

export function createImportUploads(deps: ImportUploadsDeps) {
  const idleMs = deps.idleMs ?? DEFAULT_IDLE_MS;
  const uploads = new Map<string, Upload>();

  const drop = (upload: Upload, reason: string) => {
    clearTimeout(upload.timer);
    uploads.delete(upload.id);
    if (!upload.pipe.destroyed) upload.pipe.destroy(new CoreError('conflict', reason));
  };
  const arm = (upload: Upload) => {
    clearTimeout(upload.timer);
    upload.timer = setTimeout(() => drop(upload, GONE), idleMs);
    upload.timer.unref();
  };
  const find = (id: string, actor: UserActor): Upload => {
    const upload = uploads.get(id);
    if (!upload) throw new CoreError('not_found', GONE);
    if (upload.personId !== actor.id)
      throw new CoreError('forbidden', 'Only the person who started an import can send its parts');
    if (upload.busy)
      throw new CoreError('conflict', 'The previous part of this import is still being read: send parts one at a time');
    return upload;
  };
  const failed = (upload: Upload): never => {
    drop(upload, GONE);
    throw upload.failure;
  };

  return {
    /** Starts an import into a list; the importer waits for the first chunk. */
    async begin(
      actor: UserActor,
      input: { listId: string; fileName: string; consentSource: string; consentAt: string },
    ): Promise<{ importId: string; maxChunkBytes: number; idleSeconds: number }> {
      const list = await deps.db.one('SELECT id FROM email_lists WHERE id = $1', [input.listId]);
      if (!list) throw new CoreError('not_found', 'That email list does not exist (it may have been deleted)');
      const pipe = new PassThrough({ highWaterMark: 256 * 1024 });
      const upload: Upload = {
        id: randomUUID(),
        personId: actor.id,
        fileName: input.fileName,
        nextSequence: 0,
        bytes: 0,
        pipe,
        // The importer runs across many calls; it records its batches under the person who began it.
        report: currentActor.run(actor, () =>
          importSubscribers(deps, pipe, {
            listId: input.listId,
            consentSource: input.consentSource,
            consentAt: input.consentAt,
          }),
        ),
        failure: undefined,
        settled: false,
        busy: false,
      };
      upload.report.then(
        () => void (upload.settled = true),
        (error: unknown) => {
          upload.settled = true;
          upload.failure = error;
        },
      );
      uploads.set(upload.id, upload);
      arm(upload);
      return { importId: upload.id, maxChunkBytes: MAX_CHUNK_BYTES, idleSeconds: Math.round(idleMs / 1000) };
    },

    /** Feeds one chunk (in order, once each); answers when the importer can take the next. */
    async chunk(
      actor: UserActor,
      input: { importId: string; sequence: number; text: string },
    ): Promise<{ importId: string; received: number; bytes: number }> {
      const upload = find(input.importId, actor);
      if (input.sequence !== upload.nextSequence) {
        const problem =
          input.sequence < upload.nextSequence
            ? `Part ${input.sequence} of this import was already received`
            : `Part ${input.sequence} of this import came before part ${upload.nextSequence}`;
        throw new CoreError(
          'conflict',
          `${problem}: send the parts in order, each once (next: ${upload.nextSequence})`,
          {
            field: 'sequence',
          },
        );
      }
      const size = Buffer.byteLength(input.text, 'utf8');
      if (size > MAX_CHUNK_BYTES) {
        throw new CoreError('invalid_input', `A part can be at most 1 MB; this one is ${size} bytes`, {
          field: 'text',
        });
      }
      if (upload.bytes + size > MAX_UPLOAD_BYTES) {
        drop(upload, GONE);
        throw new CoreError('too_large', 'The file is larger than 512 MB: split it into smaller files', {
          field: 'file',
        });
      }
      if (upload.settled && upload.failure !== undefined) failed(upload);
      upload.busy = true;
      try {
        upload.nextSequence++;
        upload.bytes += size;
        arm(upload);
        if (!upload.pipe.write(input.text)) {
          await Promise.race([once(upload.pipe, 'drain'), upload.report.catch(() => undefined)]);
        }
        if (upload.settled && upload.failure !== undefined) failed(upload);
        return { importId: upload.id, received: upload.nextSequence, bytes: upload.bytes };
      } finally {
        upload.busy = false;
      }
    },

    /** Ends the file and returns the importer's report, once every part has arrived. */
    async finish(actor: UserActor, input: { importId: string; parts: number }): Promise<ImportReport> {
      const upload = find(input.importId, actor);
      if (input.parts !== upload.nextSequence) {
        throw new CoreError(
          'conflict',
          `This import received ${upload.nextSequence} parts, not ${input.parts}: send the missing parts, then finish`,
          { field: 'parts' },
        );
      }
      upload.busy = true;
      clearTimeout(upload.timer);
      uploads.delete(upload.id);
      upload.pipe.end();
      return upload.report;
    },

    /** Stops an upload: the rows already merged stay. */
    async abandon(actor: UserActor, importId: string): Promise<{ abandoned: boolean }> {
      const upload = uploads.get(importId);
      if (!upload) return { abandoned: false };
      if (upload.personId !== actor.id)
        throw new CoreError('forbidden', 'Only the person who started an import can stop it');
      drop(upload, 'The import was stopped');
      await upload.report.catch(() => undefined);
      return { abandoned: true };
    },

    /** Ends every upload (the core is closing). */
    async close(): Promise<void> {
      const all = [...uploads.values()];
      for (const upload of all) drop(upload, 'Town Crier is closing');
      await Promise.all(all.map((u) => u.report.catch(() => undefined)));
    },
  };
}

export type ImportUploads = ReturnType<typeof createImportUploads>;

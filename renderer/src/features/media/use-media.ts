import { useMemo } from 'react';
import { useQueries, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { MediaData } from '../../../../shared/contracts/media.ts';
import {
  IMAGE_TYPES,
  imageTooLargeMessage,
  notAnImageMessage,
  sniffImage,
} from '../../../../shared/media/image-type.ts';
import type { Client } from '../../api.ts';
import { useClient } from '../../client-context.tsx';

/** A transparent 1×1 GIF: what an image shows while its bytes load (nothing is fetched from anywhere). */
export const LOADING_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

const mediaKey = (id: string) => ['media', id] as const;

/** data: URLs, because the email preview is an opaque-origin frame and the CSP allows data: images. */
export function dataUrlOf(media: MediaData): string {
  return `data:${media.type};base64,${media.dataBase64}`;
}

const mediaQuery = (client: Client, id: string) => ({
  queryKey: mediaKey(id),
  queryFn: () => client.call('media.get', { id }),
  // Content-addressed: the bytes behind an id never change.
  staleTime: Infinity,
  gcTime: 10 * 60_000,
});

/** One stored image as a data: URL, or undefined while it loads (or if it failed). */
export function useMediaUrl(id: string): { url: string | undefined; error: boolean } {
  const query = useQuery(mediaQuery(useClient(), id));
  return { url: query.data ? dataUrlOf(query.data) : undefined, error: query.isError };
}

/**
 * A resolver for the channel renderers (`imageSrc`): each media id to its
 * data: URL, or a blank image while it loads. Stable while nothing changes,
 * so previews re-render only when an image arrives.
 */
export function useMediaResolver(ids: readonly string[]): (id: string) => string {
  const client = useClient();
  const results = useQueries({ queries: ids.map((id) => mediaQuery(client, id)) });
  const urls = results.map((r) => (r.data ? dataUrlOf(r.data) : LOADING_IMAGE));
  const signature = ids.map((id, i) => `${id}:${urls[i] === LOADING_IMAGE ? 0 : 1}`).join(',');
  // The signature says when the map really changed; the arrays themselves are new on every render.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => resolverOf(ids, urls), [signature]);
}

function resolverOf(ids: readonly string[], urls: readonly string[]): (id: string) => string {
  const map = new Map(ids.map((id, i) => [id, urls[i] ?? LOADING_IMAGE]));
  return (id) => map.get(id) ?? LOADING_IMAGE;
}

/** The accept list of the file picker: the four types the core stores. */
export const IMAGE_ACCEPT = IMAGE_TYPES.join(',');

/**
 * Uploads an image file: checked here first (size, real type from its bytes)
 * so a wrong file is explained at once, then stored by the core, which checks
 * again. Returns the media id, or throws an Error with a message for the person.
 */
export function useAddImage(): (file: File) => Promise<string> {
  const client = useClient();
  const queryClient = useQueryClient();
  return async (file) => {
    const tooLarge = imageTooLargeMessage(file.size);
    if (tooLarge) throw new Error(tooLarge);
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (!sniffImage(bytes)) throw new Error(notAnImageMessage(file.name));
    const dataBase64 = await base64Of(file);
    const info = await client.call('media.add', { name: file.name, type: file.type, dataBase64 });
    remember(queryClient, { id: info.id, type: info.type, dataBase64 });
    return info.id;
  };
}

function remember(queryClient: QueryClient, media: MediaData): void {
  queryClient.setQueryData(mediaKey(media.id), media);
}

/** The file as base64, through FileReader (fast for megabytes, unlike building a string by hand). */
function base64Of(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error('The file could not be read. Try choosing it again.'));
    reader.readAsDataURL(file);
  });
}

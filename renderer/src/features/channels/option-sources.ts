import type { Client } from '../../api.ts';

/** One choice of a generated `choices` field: the value saved and the words shown. */
export type Option = { value: string; label: string };

/**
 * Where a settings field's choices come from when they are data, not a fixed
 * enum: the adapter's schema names a source (`x-options`), and the form asks
 * the core through the contract. A new source is one entry here.
 */
export const OPTION_SOURCES: Record<string, { load(client: Client): Promise<Option[]>; empty: string }> = {
  'email.lists': {
    async load(client) {
      const lists = await client.call('email.lists.list', {});
      return lists.map((l) => ({
        value: l.id,
        label: `${l.name} (${l.activeCount.toLocaleString('en-GB')} active ${l.activeCount === 1 ? 'subscriber' : 'subscribers'})`,
      }));
    },
    empty: 'There are no email lists yet: create one on the Subscribers page first.',
  },
};

import type { Doc } from './doc.ts';

type Example = { id: string; name: string; title: string; summary: string; body: Doc };

const p = (text: string) => ({ type: 'paragraph' as const, content: [{ type: 'text' as const, text }] });
const h2 = (text: string) => ({
  type: 'heading' as const,
  attrs: { level: 2 as const },
  content: [{ type: 'text' as const, text }],
});
const bullets = (...items: string[]) => ({
  type: 'bulletList' as const,
  content: items.map((text) => ({ type: 'listItem' as const, content: [p(text)] })),
});

/**
 * The templates every Town Crier starts with. Square brackets mark what to
 * fill in; the wording follows GOV.UK style (plain English, short sentences).
 */
export const EXAMPLE_TEMPLATES: readonly Example[] = [
  {
    id: 'builtin:road-closure',
    name: 'Road closure',
    title: '[Road name] closed [direction] from [day and time]',
    summary: '[Road name] will be closed [direction] between [place] and [place] from [time] on [day] for [reason].',
    body: {
      type: 'doc',
      content: [
        p('[Road name] will be closed [direction] between [place] and [place].'),
        h2('When'),
        p('From [time] on [day, date] until [time] on [day, date].'),
        h2('Diversion'),
        p('Follow the signed diversion via [roads]. Allow extra time for your journey.'),
        h2('Buses'),
        p('[Bus routes] will be diverted. Check with the bus operator before you travel.'),
      ],
    },
  },
  {
    id: 'builtin:bin-collection-change',
    name: 'Bin collection change',
    title: 'Bin collections change [when]',
    summary: 'Your bins will be collected [how the day changes] during [period].',
    body: {
      type: 'doc',
      content: [
        p('Because of [reason], bin collections will change during [period].'),
        h2('What to do'),
        bullets('Put your bin out by 7am on your new collection day.', 'Leave it out until it has been emptied.'),
        p('Check your new collection day on our website.'),
      ],
    },
  },
  {
    id: 'builtin:severe-weather',
    name: 'Severe weather warning',
    title: '[Colour] weather warning for [weather] on [day]',
    summary: 'The Met Office has issued a [colour] warning for [weather] from [time] on [day] to [time] on [day].',
    body: {
      type: 'doc',
      content: [
        p('The Met Office has issued a [colour] warning for [weather] across [area].'),
        h2('What this means'),
        bullets('[Likely effects, for example travel delays or power cuts].', '[Services that may be affected].'),
        h2('What you should do'),
        bullets('Only travel if you need to.', 'Check on neighbours who may need help.', 'In an emergency, call 999.'),
      ],
    },
  },
];

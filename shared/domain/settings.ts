import { z } from 'zod';

/** Settings a comms team can change. Secrets (passwords, tokens) are never here. */
export const Settings = z.object({
  organisationName: z.string().trim().min(1).max(120).default('Your council'),
  /** Times are stored in UTC and shown in this zone. */
  timeZone: z.literal('Europe/London').default('Europe/London'),
  /** Minutes without activity before the app locks. */
  idleLockMinutes: z.number().int().min(1).max(480).default(15),
  /** Where the council's news articles live; previews show links as they will be once the website post is out. */
  websiteNewsUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
  /** Public address of the council's proxy, used in unsubscribe links. */
  publicBaseUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** A secret's name: lower-case words, dots, dashes. Values never leave the core. */
export const SecretName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'A secret name uses lower-case letters, digits, ".", "_" and "-"');

export const SecretStatus = z.object({
  name: SecretName,
  updatedAt: z.iso.datetime({ offset: true }),
});
export type SecretStatus = z.infer<typeof SecretStatus>;

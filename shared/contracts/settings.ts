import { z } from 'zod';
import { SecretName, SecretStatus, Settings, SettingsPatch } from '../domain/settings.ts';
import { Empty, method } from './method.ts';

export const settingsMethods = {
  'settings.get': method(Empty, Settings, 'Read the settings'),
  'settings.update': method(SettingsPatch, Settings, 'Change some settings'),
  'secrets.list': method(Empty, z.array(SecretStatus), 'Which secrets are set (never their values)'),
  'secrets.set': method(
    z.object({ name: SecretName, value: z.string().min(1).max(16_384) }),
    SecretStatus,
    'Store a secret, encrypted at rest',
  ),
  'secrets.delete': method(z.object({ name: SecretName }), z.object({ deleted: z.boolean() }), 'Forget a secret'),
} as const;

export const settingsEvents = {
  'settings.changed': Settings,
} as const;

import { z } from 'zod';
import {
  ChannelKindInfo,
  ChannelTarget,
  ChannelTargetId,
  ChannelTestResult,
  CreateChannelTarget,
  SetChannelSecrets,
  TestChannelInput,
  Delivery,
  DeliveryChanged,
  DeliveryRef,
  ListPublications,
  Publication,
  PublicationDetail,
  PublicationId,
  PublicationPage,
  PublishInput,
  ResolveDelivery,
  QueueCounts,
  UpdateChannelSettings,
} from '../domain/queue.ts';
import { Empty, method } from './method.ts';

export const queueMethods = {
  'queue.publish': method(PublishInput, Publication, 'Send the current version of an update to chosen channels'),
  'queue.markReviewed': method(
    z.object({ publicationId: PublicationId }),
    Publication,
    'Approvers: record the review an urgent publication needs afterwards',
  ),
  'queue.list': method(ListPublications, PublicationPage, 'Publications, newest first, with a status per channel'),
  'queue.get': method(
    z.object({ publicationId: PublicationId }),
    PublicationDetail,
    'One publication with the timeline of every attempt',
  ),
  'queue.cancel': method(DeliveryRef, Delivery, 'Stop a delivery that has not started sending'),
  'queue.retry': method(DeliveryRef, Delivery, 'Try a failed delivery again (only that channel)'),
  'queue.resolve': method(
    ResolveDelivery,
    Delivery,
    'Settle a delivery whose outcome is unknown: it went out, or send it again',
  ),
  'queue.counts': method(
    Empty,
    QueueCounts,
    'How many publications each queue filter shows (Failed, Unconfirmed, Scheduled, Today, All)',
  ),
  'queue.retract': method(
    DeliveryRef,
    Delivery,
    'Remove a delivered update from its channel (the website page and its feed entry), where the channel can',
  ),
  'channels.updateSettings': method(
    UpdateChannelSettings,
    ChannelTarget,
    'Change the name and settings of a connected channel (refused while deliveries to it are being sent)',
  ),
  'channels.list': method(
    z
      .object({
        /** The Channels page also shows disconnected targets (kept for the queue's history); publishing never does. */
        includeDisconnected: z.boolean().optional(),
      })
      .strict(),
    z.array(ChannelTarget),
    'Connected channel targets (and, when asked, the disconnected ones kept for the history)',
  ),
  'channels.kinds': method(
    Empty,
    z.array(ChannelKindInfo),
    'The kinds of channel this Town Crier can publish to, with the settings each asks for',
  ),
  'channels.create': method(
    CreateChannelTarget,
    ChannelTarget,
    'Connect a channel target, storing the passwords and tokens it needs',
  ),
  'channels.test': method(
    TestChannelInput,
    ChannelTestResult,
    'Test connection: sign in to the channel and say as which account, or what is wrong',
  ),
  'channels.setSecrets': method(
    SetChannelSecrets,
    ChannelTarget,
    'Replace the passwords and tokens of a connected channel (reconnect)',
  ),
  'channels.remove': method(
    z.object({ targetId: ChannelTargetId }),
    z.object({ targetId: ChannelTargetId, removed: z.enum(['deleted', 'disconnected']) }),
    'Disconnect a channel: refused while deliveries to it are waiting to go out',
  ),
} as const;

export const queueEvents = {
  'delivery.changed': DeliveryChanged,
} as const;

import { z } from 'zod';
import { emailProblem } from '../../../../shared/domain/email-address.ts';
import { renderEmail } from '../../../../shared/channels/render/email.ts';
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelContext,
  type ConnectionCheck,
  type PublishContext,
  type PublishResult,
  type RenderSource,
  type RenderedPost,
} from '../adapter.ts';
import { tokenSigner } from '../../email/unsubscribe-token.ts';
import { runFanoutPass, type PassOutcome } from './fanout.ts';
import { mediaIdsOf } from '../../../../shared/content/images.ts';
import type { ChannelMedia, ChannelSecretSpec } from '../adapter.ts';
import {
  buildSharedMessage,
  contentIdFor,
  messageIdFor,
  recipientMessage,
  UNSUBSCRIBE_PLACEHOLDER,
  type InlineImage,
} from './message.ts';
import { openSmtp, SmtpError, type SmtpOptions } from './smtp-client.ts';
import { createDkimSigner, dkimKeyProblem, type DkimSigner } from './dkim.ts';

/**
 * `email.smtp`: one publication to the active subscribers of chosen lists,
 * over the council's SMTP relay. The delivery is the whole send; each
 * recipient has its own status in `email_recipients` (see fanout.ts). The
 * password is the target's secret `password`.
 */

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const address = (what: string) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const problem = emailProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${what} is not a valid email address: ${problem}` });
    });
const oneLine = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `Give ${what}`)
    .max(max, `${what} is at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${what} cannot contain line breaks or control characters`);

export const EmailSettings = z
  .object({
    host: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.:-]{1,253}$/, 'The relay host must be a host name or IP address'),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(587)
      .meta({ title: 'Port', description: '587 for STARTTLS (the usual), 465 for TLS.' }),
    /** starttls (port 587), tls (port 465), or none (only to a relay on this machine). */
    security: z
      .enum(['starttls', 'tls', 'none'])
      .default('starttls')
      .meta({ title: 'Security', description: 'starttls or tls; none only for a relay on this computer.' }),
    user: z
      .string()
      .trim()
      .max(200)
      .optional()
      .meta({ title: 'SMTP user name', description: 'Leave empty if the relay needs no sign-in.' }),
    fromName: oneLine('the from name', 120),
    fromAddress: address('The from address'),
    replyTo: address('The reply-to address').optional(),
    /** The lists this channel sends to; a person on two of them gets one email. */
    listIds: z
      .array(z.string().min(1))
      .min(1, 'Choose at least one list')
      .max(50)
      // `x-options` names where a form finds the choices (renderer/src/features/channels/option-sources.ts).
      .meta({
        title: 'Lists',
        description: 'Who gets the email: a person on two of these lists gets one copy.',
        'x-options': 'email.lists',
      }),
    /** mailto: address for List-Unsubscribe (RFC 2369), beside the https link. */
    unsubscribeMailto: address('The unsubscribe mailbox').optional(),
    messagesPerSecond: z.number().positive().max(10_000).default(20).meta({
      title: 'Messages per second',
      description: 'The most the relay allows (Amazon SES and Microsoft 365 set one).',
    }),
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(4)
      .meta({ title: 'Max connections', description: 'Connections to the relay at once.' }),
    /** Pause the send when this share of the last 200 messages was refused or deferred. */
    errorRateThreshold: z.number().min(0.05).max(1).default(0.5).meta({
      title: 'Error rate threshold',
      description: 'Pause the send when this share of the last 200 messages is refused or deferred (0.5 is half).',
    }),
    /** DKIM signing (optional): the signing domain and selector; the private key is the channel secret `dkim-key`. */
    dkimDomain: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.-]{1,253}$/, 'The DKIM domain must be a domain name')
      .optional()
      .meta({ title: 'DKIM domain', description: 'Only to sign with DKIM: the domain of the from address.' }),
    dkimSelector: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,63}$/, 'The DKIM selector is letters, digits, ".", "_" and "-"')
      .optional()
      .meta({ title: 'DKIM selector', description: 'The selector of the DKIM record in DNS.' }),
  })
  .refine((s) => (s.dkimDomain === undefined) === (s.dkimSelector === undefined), {
    message: 'DKIM needs both a domain and a selector',
    path: ['dkimSelector'],
  })
  .refine((s) => s.security !== 'none' || LOOPBACK.has(s.host), {
    message: 'Security "none" is only allowed for a relay on this machine (127.0.0.1, ::1, localhost)',
    path: ['security'],
  });
export type EmailSettings = z.infer<typeof EmailSettings>;

export type EmailAdapterOptions = {
  /** First wait after a 4xx answer (doubles each time). */
  deferBaseMs?: number;
  deferMaxMs?: number;
  maxDeferrals?: number;
  /** Deferred recipients due within this long are retried in the same call rather than via the queue. */
  inCallWaitMs?: number;
  errorWindow?: number;
  /** Only for tests against a sink with a self-signed certificate. */
  rejectUnauthorized?: boolean;
  /** A certificate authority to trust besides the system's (PEM): a relay with a private CA, or a test sink. */
  ca?: string;
  stateCheckMs?: number;
};

function smtpOptions(settings: EmailSettings, password: string | undefined, extra: EmailAdapterOptions): SmtpOptions {
  return {
    host: settings.host,
    port: settings.port,
    security: settings.security,
    user: settings.user,
    password,
    clientName: settings.fromAddress.slice(settings.fromAddress.lastIndexOf('@') + 1),
    ...(extra.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: extra.rejectUnauthorized }),
    ...(extra.ca === undefined ? {} : { ca: extra.ca }),
  };
}

/**
 * The largest total of images carried inside one email. Base64 makes them a
 * third bigger, and many mail servers refuse messages over 10 MB.
 */
export const MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024;

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/**
 * The body's images, loaded once per publication to travel inside the
 * message (`cid:` in the HTML, multipart/related): they show without the
 * reader allowing "remote images", need no public web address for Town
 * Crier's media, and carry no tracking. Their alt text is in the HTML and the
 * plain-text part names each image by it.
 */
export async function inlineImagesFor(
  source: RenderSource,
  media: (id: string) => Promise<ChannelMedia | undefined>,
): Promise<InlineImage[]> {
  const images: InlineImage[] = [];
  let total = 0;
  for (const [i, id] of mediaIdsOf(source.body).entries()) {
    const found = await media(id);
    if (!found) {
      throw ChannelError.rejected(
        `Image ${i + 1} of the body is no longer in Town Crier (it may come from another database). Replace it and publish again.`,
        'body',
      );
    }
    total += found.bytes.length;
    if (total > MAX_INLINE_IMAGE_BYTES) {
      throw ChannelError.rejected(
        `The images in this update add up to more than 5 MB, too large to send inside an email. Use smaller or fewer images. Nothing was sent.`,
        'body',
      );
    }
    images.push({
      contentId: contentIdFor(id),
      contentType: found.type,
      bytes: found.bytes,
      filename: `image-${i + 1}.${EXTENSIONS[found.type] ?? 'img'}`,
    });
  }
  return images;
}

/** The email as the preview shows it (the organisation name comes from the channel's from name when sending). */
function renderFor(source: RenderSource, organisationName: string, inlineImages = false) {
  return renderEmail(source, {
    organisationName,
    ...(inlineImages ? { imageSrc: (id: string) => `cid:${contentIdFor(id)}` } : {}),
    ...(source.websiteUrl ? { websiteUrl: source.websiteUrl } : {}),
    unsubscribeUrl: UNSUBSCRIBE_PLACEHOLDER,
    ...(source.variants.email?.subject !== undefined ? { subject: source.variants.email.subject } : {}),
    ...(source.variants.email?.preheader !== undefined ? { preheader: source.variants.email.preheader } : {}),
  });
}

function failureFor(outcome: Exclude<PassOutcome, { kind: 'finished' }>, summary: string): ChannelError {
  switch (outcome.kind) {
    case 'relay_down':
      return ChannelError.offline(
        `The mail relay cannot be reached (${outcome.message}). The send waits and continues when it is back; ${summary}.`,
      );
    case 'auth':
      return ChannelError.auth(`${outcome.message}. Check the user name and password of the channel; ${summary}.`);
    case 'refused_settings':
      return ChannelError.rejected(`${outcome.message}; ${summary}.`, 'settings.security');
    case 'paused':
      return ChannelError.offline(`${outcome.message} (${summary}).`);
    case 'cancelled':
      return ChannelError.rejected(`The send was cancelled: ${summary}.`);
    case 'stopped':
      return ChannelError.offline(`The worker stopped part-way; the send continues when it starts again (${summary}).`);
  }
}

/** The DKIM signer when the channel has DKIM set up; a missing or unusable key refuses the send (a person must fix it). */
async function dkimSignerFor(settings: EmailSettings, pem: string | undefined): Promise<DkimSigner | null> {
  if (settings.dkimDomain === undefined || settings.dkimSelector === undefined) return null;
  const problem = dkimKeyProblem(pem);
  if (problem) throw ChannelError.rejected(`DKIM is set up for this channel, but ${problem}.`, 'settings.dkimDomain');
  return createDkimSigner({
    domainName: settings.dkimDomain,
    keySelector: settings.dkimSelector,
    privateKey: pem ?? '',
  });
}

/** What "Connect a channel" asks for an SMTP relay: both may be left empty. */
export const EMAIL_SECRETS = [
  {
    name: 'password',
    label: 'SMTP password',
    hint: 'The password of the SMTP user name above (for Microsoft 365 or Amazon SES, the SMTP credentials the relay gives you). Leave it empty if the relay needs no sign-in.',
    maxLength: 500,
    optional: true,
  },
  {
    name: 'dkim-key',
    label: 'DKIM private key',
    hint: 'Only with DKIM signing: the private key, as PEM text from "-----BEGIN PRIVATE KEY-----" to its END line. Its public half is published in DNS at <selector>._domainkey.<domain>.',
    maxLength: 10_000,
    optional: true,
    multiline: true,
  },
] as const satisfies readonly ChannelSecretSpec[];

export function createEmailAdapter(options: EmailAdapterOptions = {}): ChannelAdapter<EmailSettings> {
  const deferBaseMs = options.deferBaseMs ?? 60_000;
  return {
    kind: 'email.smtp',
    displayName: 'Email (SMTP)',
    settingsSchema: EmailSettings as unknown as z.ZodType<EmailSettings>,
    limits: { contentKind: 'email' },
    secrets: EMAIL_SECRETS,
    // The queue may run it again at any time: the recipients table makes a repeat send only what is left.
    sendLimits: { concurrency: 1, burst: 1, perSecond: 1 },
    idempotent: true,

    render(source): RenderedPost {
      const email = renderFor(source, 'Your council');
      return { title: email.subject, text: email.text, html: email.html };
    },

    async test(ctx: ChannelContext<EmailSettings>): Promise<ConnectionCheck> {
      if (ctx.settings.dkimDomain !== undefined) {
        const problem = dkimKeyProblem(await ctx.credentials('dkim-key'));
        if (problem) return { ok: false, message: `DKIM is set up for this channel, but ${problem}` };
      }
      try {
        const conn = await openSmtp(smtpOptions(ctx.settings, await ctx.credentials('password'), options));
        await conn.quit();
        return {
          ok: true,
          account: `${ctx.settings.user ?? ctx.settings.fromAddress} at ${ctx.settings.host}:${ctx.settings.port}`,
        };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    async publish(_post, ctx: PublishContext<EmailSettings>): Promise<PublishResult> {
      const f = ctx.fanout;
      if (!f)
        throw ChannelError.rejected('Email is sent by the queue worker, which was started without the email services.');
      if (!f.publicBaseUrl) {
        throw ChannelError.rejected(
          'Set the public address of Town Crier (Settings → public base URL) so that each email can carry an unsubscribe link.',
          'settings.publicBaseUrl',
        );
      }
      const settings = ctx.settings;
      const deliveryId = ctx.delivery.id;
      const store = f.recipients;
      const started = ctx.now();
      await store.snapshot(deliveryId, settings.listIds, started.toISOString());
      const send = await store.send(deliveryId);
      const summary = async () => {
        const c = await store.counts(deliveryId);
        return `${c.accepted} of ${c.total} accepted, ${c.rejected} rejected, ${c.deferred} deferred, ${c.unconfirmed} unconfirmed`;
      };
      if (send?.state === 'cancelled') throw ChannelError.rejected(`The send was cancelled: ${await summary()}.`);
      if (send?.state === 'paused')
        throw ChannelError.offline(`The send is paused: ${send.pausedReason ?? 'by a person'}. Resume it to continue.`);
      if (send?.state === 'done') return { externalId: null, externalUrl: null };
      await store.settleInterrupted(deliveryId, started.toISOString());

      const images = await inlineImagesFor(ctx.source, (id) => ctx.media(id));
      const rendered = renderFor(ctx.source, settings.fromName, images.length > 0);
      const shared = buildSharedMessage({
        images,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        from: { address: settings.fromAddress, name: settings.fromName },
        replyTo: settings.replyTo,
        listId: {
          name: ctx.target.name,
          id: `${ctx.target.id.replace(/[^A-Za-z0-9-]/g, '')}.lists.${settings.fromAddress.slice(settings.fromAddress.lastIndexOf('@') + 1)}`,
        },
        date: started,
      });
      const sign = tokenSigner(await f.unsubscribeKey(), started);
      const base = f.publicBaseUrl.replace(/\/+$/, '');
      const password = await ctx.credentials('password');
      const connect = () => openSmtp(smtpOptions(settings, password, options));
      const dkim = await dkimSignerFor(settings, await ctx.credentials('dkim-key'));

      for (;;) {
        const outcome = await runFanoutPass({
          deliveryId,
          store,
          connect,
          envelopeFrom: settings.fromAddress,
          build: (r) => {
            const message = recipientMessage(shared, {
              to: { address: r.email, name: r.name },
              messageId: messageIdFor(deliveryId, r.subscriberId, shared.fromDomain),
              unsubscribeUrl: `${base}/u/${sign(r.subscriberId, r.listId)}`,
              unsubscribeMailto: settings.unsubscribeMailto,
            });
            return dkim ? dkim(message, { from: settings.fromAddress, to: r.email }) : message;
          },
          maxConnections: settings.maxConnections,
          perSecond: settings.messagesPerSecond,
          now: ctx.now,
          deferBaseMs,
          deferMaxMs: options.deferMaxMs ?? 30 * 60_000,
          maxDeferrals: options.maxDeferrals ?? 5,
          errorRate: { threshold: settings.errorRateThreshold, window: options.errorWindow ?? 200 },
          shouldStop: () => f.shouldStop() || ctx.signal.aborted,
          logger: ctx.logger,
          ...(options.stateCheckMs === undefined ? {} : { stateCheckMs: options.stateCheckMs }),
          ...(f.progress ? { onProgress: () => f.progress?.(deliveryId) } : {}),
        });
        await store.skipSuppressed(deliveryId, ctx.now().toISOString());
        if (outcome.kind === 'paused') {
          await store.setState(deliveryId, 'paused', outcome.message, ctx.now().toISOString());
        }
        if (outcome.kind !== 'finished') throw failureFor(outcome, await summary());
        const next = await store.nextDeferred(deliveryId);
        if (next === null) break;
        const waitMs = Math.max(0, Date.parse(next) - ctx.now().getTime());
        if (waitMs > (options.inCallWaitMs ?? 60_000)) {
          throw ChannelError.offline(
            `The relay deferred some messages; they are tried again later (${await summary()}).`,
          );
        }
        await new Promise((r) => setTimeout(r, waitMs));
      }
      const { bounced } = await store.finish(deliveryId, ctx.now().toISOString());
      ctx.logger.info('Email send finished', { deliveryId, summary: await summary(), bounced });
      return { externalId: null, externalUrl: null };
    },
  };
}

/** "Send a test to me": one message to one address through the channel's settings, before any approval. */
export async function sendTestEmail(
  settings: EmailSettings,
  password: string | undefined,
  to: string,
  source: RenderSource,
  options: EmailAdapterOptions = {},
  dkimKey?: string,
  media?: (id: string) => Promise<ChannelMedia | undefined>,
): Promise<{ ok: true; reply: string } | { ok: false; message: string }> {
  const problem = emailProblem(to);
  if (problem) return { ok: false, message: `The test address is not valid: ${problem}` };
  let images: InlineImage[] = [];
  if (media) {
    try {
      images = await inlineImagesFor(source, media);
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }
  const rendered = renderFor(source, settings.fromName, images.length > 0);
  const shared = buildSharedMessage({
    images,
    subject: `[Test] ${rendered.subject}`,
    text: rendered.text,
    html: rendered.html,
    from: { address: settings.fromAddress, name: settings.fromName },
    replyTo: settings.replyTo,
    listId: { name: 'Test', id: `test.lists.${settings.fromAddress.slice(settings.fromAddress.lastIndexOf('@') + 1)}` },
    date: new Date(),
  });
  let dkim: DkimSigner | null;
  try {
    dkim = await dkimSignerFor(settings, dkimKey);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const unsigned = recipientMessage(shared, {
    to: { address: to.trim(), name: null },
    messageId: messageIdFor(`test-${Date.now()}`, to, shared.fromDomain),
    unsubscribeUrl: 'https://example.invalid/u/test-message-has-no-real-unsubscribe-link',
  });
  const message = dkim ? await dkim(unsigned, { from: settings.fromAddress, to: to.trim() }) : unsigned;
  try {
    const conn = await openSmtp(smtpOptions(settings, password, options));
    try {
      const env = await conn.envelope(settings.fromAddress, to.trim());
      const refused = [env.mail, env.rcpt, env.data].find((r) => r && r.code >= 400);
      if (refused || env.data?.code !== 354) {
        return {
          ok: false,
          message: `The relay refused the test message: ${refused?.code ?? ''} ${refused?.text ?? ''}`.trim(),
        };
      }
      conn.data(message);
      const reply = await conn.end();
      return reply.code < 300
        ? { ok: true, reply: `${reply.code} ${reply.text}` }
        : { ok: false, message: `The relay refused the test message: ${reply.code} ${reply.text}` };
    } finally {
      await conn.quit();
    }
  } catch (error) {
    return { ok: false, message: error instanceof SmtpError || error instanceof Error ? error.message : String(error) };
  }
}

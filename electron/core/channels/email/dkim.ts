import { createPrivateKey } from 'node:crypto';
import nodemailer from 'nodemailer';

/**
 * Optional DKIM signing with nodemailer's signer (relaxed/relaxed,
 * rsa-sha256). Each recipient's message differs (its unsubscribe link), so
 * each is signed on its own; the RSA signature costs about 2 ms of CPU a
 * message, which is why it is optional: most council relays (Microsoft 365,
 * Amazon SES) sign for the domain themselves.
 */
export type DkimConfig = { domainName: string; keySelector: string; privateKey: string };

/** Why a PEM private key cannot be used, or null when it can. */
export function dkimKeyProblem(pem: string | undefined): string | null {
  if (pem === undefined || pem.trim() === '') return 'its private key (the channel secret "dkim-key") is missing';
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return 'its private key is not an RSA key';
    return null;
  } catch {
    return 'its private key (the channel secret "dkim-key") is not a PEM private key';
  }
}

export type DkimSigner = (message: Buffer, envelope: { from: string; to: string }) => Promise<Buffer>;

export function createDkimSigner(config: DkimConfig): DkimSigner {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return async (message, envelope) => {
    const info = await transport.sendMail({
      raw: message,
      envelope: { from: envelope.from, to: [envelope.to] },
      dkim: config,
    });
    return info.message as Buffer;
  };
}

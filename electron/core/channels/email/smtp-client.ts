import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/**
 * A small pipelining SMTP client for the fan-out. nodemailer's connection
 * waits for each reply in turn and owns the end of DATA; this one sends
 * MAIL, RCPT and DATA in one write (RFC 2920), writes the message, and then
 * lets the caller decide when to send the final "." — which is the moment a
 * message can be delivered, so the fan-out records the claim just before it.
 */

export type SmtpSecurity = 'starttls' | 'tls' | 'none';

export type SmtpOptions = {
  host: string;
  port: number;
  security: SmtpSecurity;
  user?: string | undefined;
  password?: string | undefined;
  /** The name in EHLO. */
  clientName: string;
  connectTimeoutMs?: number;
  /** How long to wait for any reply. */
  replyTimeoutMs?: number;
  /** For tests against a sink with a self-signed certificate. */
  rejectUnauthorized?: boolean;
  /** Extra trusted certificate authority (PEM), e.g. a relay with a private CA. */
  ca?: string | undefined;
};

export type SmtpReply = { code: number; text: string };

/** Why a connection failed: `connect` means nothing was ever sent (the relay is down). */
export type SmtpFailure = 'connect' | 'greeting' | 'tls' | 'auth' | 'closed' | 'timeout' | 'protocol' | 'not_sent';

export class SmtpError extends Error {
  readonly failure: SmtpFailure;
  readonly reply: SmtpReply | undefined;
  constructor(failure: SmtpFailure, message: string, reply?: SmtpReply, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SmtpError';
    this.failure = failure;
    this.reply = reply;
  }
}

type Waiter = { resolve: (reply: SmtpReply) => void; reject: (error: Error) => void };

export interface SmtpConnection {
  readonly pipelining: boolean;
  readonly closed: boolean;
  /**
   * MAIL FROM, RCPT TO and DATA. When DATA is answered 354, the connection
   * waits for the message: call `data(...)` then `end()`.
   */
  envelope(from: string, to: string): Promise<{ mail: SmtpReply; rcpt: SmtpReply | null; data: SmtpReply | null }>;
  /** Writes the message (CRLF line ends, ending in CRLF); lines starting with "." are stuffed. */
  data(message: Buffer): void;
  /** Sends the final "." and resolves with the relay's answer: the message is delivered on a 2xx. */
  end(): Promise<SmtpReply>;
  reset(): Promise<SmtpReply>;
  quit(): Promise<void>;
  destroy(): void;
}

const LINE_START_DOT = Buffer.from('\r\n.');

/** Doubles a "." at the start of any line (RFC 5321 §4.5.2). Our messages have none; this is insurance. */
export function dotStuff(message: Buffer): Buffer {
  if (message[0] !== 0x2e && message.indexOf(LINE_START_DOT) < 0) return message;
  const text = message.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(text, 'latin1');
}

export async function openSmtp(options: SmtpOptions): Promise<SmtpConnection> {
  const connectTimeout = options.connectTimeoutMs ?? 15_000;
  const replyTimeout = options.replyTimeoutMs ?? 60_000;
  let socket: Socket | TLSSocket = await new Promise<Socket>((resolve, reject) => {
    const s =
      options.security === 'tls'
        ? tlsConnect({
            host: options.host,
            port: options.port,
            servername: options.host,
            rejectUnauthorized: options.rejectUnauthorized ?? true,
            ...(options.ca ? { ca: options.ca } : {}),
          })
        : netConnect({ host: options.host, port: options.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        new SmtpError(
          'connect',
          `Could not connect to ${options.host}:${options.port} within ${connectTimeout / 1000} s`,
        ),
      );
    }, connectTimeout);
    s.once(options.security === 'tls' ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new SmtpError(
          'connect',
          `Could not connect to ${options.host}:${options.port} (${error.code ?? error.message})`,
          undefined,
          {
            cause: error,
          },
        ),
      );
    });
  });

  const waiters: Waiter[] = [];
  let closed = false;
  let closeError: Error | null = null;
  let buffer = '';
  let lines: string[] = [];

  const fail = (error: Error) => {
    closed = true;
    closeError ??= error;
    for (const w of waiters.splice(0)) w.reject(closeError);
  };

  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      // "250-…" continues a reply; "250 …" (or a bare code) ends it.
      if (line.length >= 4 && line[3] === '-') continue;
      const code = Number(line.slice(0, 3));
      const reply = { code: Number.isInteger(code) ? code : 0, text: lines.map((l) => l.slice(4)).join('\n') };
      lines = [];
      const waiter = waiters.shift();
      if (waiter) waiter.resolve(reply);
    }
  };

  const attach = (s: Socket | TLSSocket) => {
    // The end of a message (".") is a small write after the body: without this, Nagle's algorithm and the
    // relay's delayed ACK hold it for ~40 ms.
    s.setNoDelay(true);
    s.on('data', onData);
    s.on('error', (error) => fail(new SmtpError('closed', `The connection to the relay failed (${error.message})`)));
    s.on('close', () => fail(new SmtpError('closed', 'The relay closed the connection')));
    s.setTimeout(replyTimeout, () => {
      if (waiters.length > 0) {
        fail(new SmtpError('timeout', `The relay did not answer within ${replyTimeout / 1000} s`));
        s.destroy();
      }
    });
  };
  attach(socket);

  const nextReply = (): Promise<SmtpReply> =>
    closed
      ? Promise.reject(closeError ?? new SmtpError('closed', 'The relay closed the connection'))
      : new Promise<SmtpReply>((resolve, reject) => waiters.push({ resolve, reject }));
  const command = async (line: string): Promise<SmtpReply> => {
    const reply = nextReply();
    socket.write(`${line}\r\n`);
    return reply;
  };

  const greeting = await nextReply().catch((error: Error) => {
    throw new SmtpError('greeting', `The relay did not greet (${error.message})`);
  });
  if (greeting.code !== 220) {
    socket.destroy();
    throw new SmtpError('greeting', `The relay refused the connection: ${greeting.code} ${greeting.text}`, greeting);
  }

  const ehlo = async (): Promise<Set<string>> => {
    const reply = await command(`EHLO ${options.clientName}`);
    if (reply.code !== 250)
      throw new SmtpError('protocol', `The relay refused EHLO: ${reply.code} ${reply.text}`, reply);
    return new Set(
      reply.text
        .split('\n')
        .slice(1)
        .map((l) => l.trim().toUpperCase()),
    );
  };
  let extensions = await ehlo();

  if (options.security === 'starttls') {
    if (!extensions.has('STARTTLS')) {
      socket.destroy();
      throw new SmtpError(
        'tls',
        'The relay does not offer STARTTLS, and the channel is set to use it: Town Crier will not send in clear',
      );
    }
    const reply = await command('STARTTLS');
    if (reply.code !== 220)
      throw new SmtpError('tls', `The relay refused STARTTLS: ${reply.code} ${reply.text}`, reply);
    socket.removeAllListeners('data');
    socket.removeAllListeners('close');
    socket.removeAllListeners('error');
    socket = await new Promise<TLSSocket>((resolve, reject) => {
      const secure = tlsConnect({
        socket,
        servername: options.host,
        rejectUnauthorized: options.rejectUnauthorized ?? true,
        ...(options.ca ? { ca: options.ca } : {}),
      });
      secure.once('secureConnect', () => resolve(secure));
      secure.once('error', (error) =>
        reject(
          new SmtpError('tls', `The relay's TLS certificate or handshake failed (${error.message})`, undefined, {
            cause: error,
          }),
        ),
      );
    });
    attach(socket);
    extensions = await ehlo();
  }

  if (options.user) {
    const auth = [...extensions].find((e) => e.startsWith('AUTH')) ?? '';
    const password = options.password ?? '';
    let reply: SmtpReply;
    if (auth.includes('PLAIN') || !auth.includes('LOGIN')) {
      reply = await command(`AUTH PLAIN ${Buffer.from(`\u0000${options.user}\u0000${password}`).toString('base64')}`);
    } else {
      await command('AUTH LOGIN');
      await command(Buffer.from(options.user).toString('base64'));
      reply = await command(Buffer.from(password).toString('base64'));
    }
    if (reply.code !== 235) {
      socket.destroy();
      throw new SmtpError('auth', `The relay refused the user name or password: ${reply.code} ${reply.text}`, reply);
    }
  }

  const pipelining = extensions.has('PIPELINING');
  const s = () => socket;

  return {
    pipelining,
    get closed() {
      return closed;
    },
    async envelope(from, to) {
      if (pipelining) {
        const mail = nextReply();
        const rcpt = nextReply();
        const data = nextReply();
        s().write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
        // Read all three even when one fails, so no reply is left for the next command.
        const [m, r, d] = await Promise.allSettled([mail, rcpt, data]);
        if (m.status === 'rejected') throw m.reason;
        if (r.status === 'rejected') throw r.reason;
        if (d.status === 'rejected') throw d.reason;
        return { mail: m.value, rcpt: r.value, data: d.value };
      }
      const mail = await command(`MAIL FROM:<${from}>`);
      if (mail.code !== 250) return { mail, rcpt: null, data: null };
      const rcpt = await command(`RCPT TO:<${to}>`);
      if (rcpt.code !== 250 && rcpt.code !== 251) return { mail, rcpt, data: null };
      return { mail, rcpt, data: await command('DATA') };
    },
    data(message) {
      s().write(dotStuff(message));
    },
    async end() {
      // Closed before the final "." left: the relay discards a message without it, so nothing was delivered.
      if (closed) throw new SmtpError('not_sent', 'The connection closed before the end of the message was sent');
      return command('.');
    },
    reset: () => command('RSET'),
    async quit() {
      if (closed) return;
      try {
        await Promise.race([command('QUIT'), new Promise((r) => setTimeout(r, 1000))]);
      } catch {
        // closing anyway
      }
      s().destroy();
    },
    destroy() {
      closed = true;
      s().destroy();
    },
  };
}

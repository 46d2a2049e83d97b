/**
 * An SMTP sink in its own process (smtp-server on 127.0.0.1), started by
 * tests/support/smtp-sink.ts with `fork`. It accepts, refuses or drops
 * messages by rule, records each accepted one (recipient and Message-ID in a
 * log file, and the raw message when asked), and answers stats over IPC.
 *
 * Rules (JSON in argv[2]):
 *   rcpt:        { address: "550 5.1.1 No such user" }   always this RCPT reply
 *   rcptOnce:    { address: "451 4.3.0 Try later" }     the first RCPT only
 *   endOnce:     { address: "421 4.4.2 Closing" }       the first end-of-DATA only (421 also closes)
 *   dropOnce:    [address]                              first end-of-DATA: close without a reply
 *   saveDir:     folder for <n>.eml raw messages
 *   logFile:     file for "recipient\tmessage-id" lines of accepted messages
 *   port:        fixed port (to come back on the same one after a "relay down")
 *   tls, secure: a key and certificate for STARTTLS (or implicit TLS with secure)
 *   auth:        require AUTH with this user and password
 */
import { mkdirSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

type Rules = {
  rcpt?: Record<string, string>;
  rcptOnce?: Record<string, string>;
  endOnce?: Record<string, string>;
  dropOnce?: string[];
  saveDir?: string;
  logFile?: string;
  port?: number;
  /** PEM key and certificate: STARTTLS is offered (or, with `secure`, TLS from the first byte). */
  tls?: { key: string; cert: string };
  secure?: boolean;
  /** AUTH required with this user name and password (only over TLS, as smtp-server insists). */
  auth?: { user: string; pass: string };
};

const rules = JSON.parse(process.argv[2] ?? '{}') as Rules;
const seen = new Set<string>();
const once = (kind: string, address: string) => {
  const key = `${kind}:${address}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
};
const stats = { accepted: 0, refused: 0, dropped: 0, connections: 0, overTls: 0, authenticatedAs: '' };
let saved = 0;
const log: WriteStream | null = rules.logFile ? createWriteStream(rules.logFile, { flags: 'a' }) : null;
if (rules.saveDir) mkdirSync(rules.saveDir, { recursive: true });

function smtpError(reply: string): Error & { responseCode: number } {
  const code = Number(reply.slice(0, 3));
  return Object.assign(new Error(reply.slice(4)), { responseCode: code });
}

const server: SMTPServer = new SMTPServer({
  authOptional: rules.auth === undefined,
  disabledCommands: [...(rules.tls ? [] : ['STARTTLS']), ...(rules.auth ? [] : ['AUTH'])],
  ...(rules.tls ? { key: rules.tls.key, cert: rules.tls.cert } : {}),
  secure: rules.secure === true,
  authMethods: ['PLAIN', 'LOGIN'],
  onAuth(auth, _session, callback) {
    if (rules.auth && auth.username === rules.auth.user && auth.password === rules.auth.pass) {
      stats.authenticatedAs = auth.username ?? '';
      return callback(null, { user: auth.username });
    }
    callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
  },
  logger: false,
  size: 10 * 1024 * 1024,
  onConnect(_session, callback) {
    stats.connections++;
    callback();
  },
  onRcptTo(addr, _session, callback) {
    const address = addr.address.toLowerCase();
    const always = rules.rcpt?.[address];
    if (always) {
      stats.refused++;
      return callback(smtpError(always));
    }
    const first = rules.rcptOnce?.[address];
    if (first && once('rcpt', address)) {
      stats.refused++;
      return callback(smtpError(first));
    }
    callback();
  },
  onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
    const chunks: Buffer[] = [];
    const keep = rules.saveDir !== undefined || log !== null;
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (rules.saveDir) chunks.push(chunk);
      else if (keep && head.length < 4096) head += chunk.toString('latin1');
    });
    stream.on('end', () => {
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      const address = to[0] ?? '';
      if (rules.dropOnce?.includes(address) && once('drop', address)) {
        stats.dropped++;
        // Close without answering the end of DATA: the client cannot know whether the message was taken.
        for (const connection of (
          server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }
        ).connections) {
          if (connection.id === session.id) connection._socket.destroy();
        }
        return;
      }
      const end = rules.endOnce?.[address];
      if (end && once('end', address)) {
        stats.refused++;
        return callback(smtpError(end));
      }
      stats.accepted++;
      if (session.secure) stats.overTls++;
      if (rules.saveDir) {
        const raw = Buffer.concat(chunks);
        saved++;
        writeFileSync(join(rules.saveDir, `${String(saved).padStart(6, '0')}.eml`), raw);
        head = raw.subarray(0, 4096).toString('latin1');
      }
      if (log) {
        const id = /^Message-ID: (<[^>]+>)/im.exec(head)?.[1] ?? '';
        log.write(`${address}\t${id}\n`);
      }
      callback(null, `2.0.0 Ok: queued as ${stats.accepted}`);
    });
  },
});

// Gone with the test that started it, even when that test timed out.
process.on('disconnect', () => process.exit(0));
server.on('error', (error) => process.stderr.write(`sink error: ${error.message}\n`));
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', stats });
  if (message.type === 'flush') {
    if (log) log.write('', () => process.send?.({ type: 'flushed' }));
    else process.send?.({ type: 'flushed' });
  }
});
server.listen(rules.port ?? 0, '127.0.0.1', () => {
  const address = server.server.address();
  process.send?.({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});

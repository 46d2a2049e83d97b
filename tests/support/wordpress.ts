import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway WordPress for the integration tests: Debian's `wordpress`
 * package served by PHP's built-in server, on a MariaDB that lives in a
 * temporary folder and listens only on a unix socket. Nothing outside the
 * temporary folder is written (the package's own files are linked, never
 * changed, and /etc/wordpress is not used).
 *
 * Start-up (install MariaDB's system tables, start it, install the site,
 * make the users and their application passwords) takes about 3 seconds;
 * start one per test file. `.ci/run` installs the Debian packages
 * (`wordpress php-cli php-mysql mariadb-server`) when they are missing.
 */

const WORDPRESS_DIR = '/usr/share/wordpress';
const PHP = ['/usr/bin/php'];
const MARIADBD = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'];
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'];

/** A WordPress account the tests use, with an application password made for it. */
export type WordPressUser = { id: number; username: string; appPassword: string };

export type WordPressSite = {
  /** The site's address, `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** An Author: may upload files and publish its own posts, as a council's comms account would be. */
  author: WordPressUser;
  /** A Subscriber: signs in, but may not create posts (rest_cannot_create). */
  subscriber: WordPressUser;
  /** How long start-up took, in milliseconds. */
  startupMs: number;
  /** Stops PHP's server only: the site refuses connections until `startWeb`. */
  stopWeb(): Promise<void>;
  startWeb(): Promise<void>;
  /** Stops MariaDB only: WordPress answers "Error establishing a database connection" until `startDatabase`. */
  stopDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  /** Runs PHP with WordPress loaded (`$code` after `require wp-load.php`) and returns what it printed. */
  php(code: string): string;
  stop(): Promise<void>;
};

function firstExisting(candidates: readonly string[], what: string): string {
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `${what} is not installed (looked for ${candidates.join(', ')}). Install the Debian packages: ` +
        'apt-get install wordpress php-cli php-mysql mariadb-server (.ci/run does this).',
    );
  }
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The WordPress test site did not start: ${what} timed out`);
}

/** Stops a child we started; a process group leader (PHP's server and its workers) is stopped as a group. */
function stopChild(child: ChildProcess | undefined, group = false): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const pid = child.pid;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(group ? -pid : pid, name);
    } catch {
      // Already gone.
    }
  };
  return new Promise((resolve) => {
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    signal('SIGTERM');
  });
}

/** True once nothing accepts connections on the port any more (every PHP worker has gone). */
function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
}

function wpConfig(options: { socket: string; url: string }): string {
  const define = (name: string, value: string | boolean) =>
    `define(${JSON.stringify(name)}, ${typeof value === 'boolean' ? String(value) : `'${value.replace(/[\\']/g, '\\$&')}'`});`;
  return [
    '<?php',
    define('DB_NAME', 'wordpress'),
    define('DB_USER', 'root'),
    define('DB_PASSWORD', ''),
    define('DB_HOST', `localhost:${options.socket}`),
    define('DB_CHARSET', 'utf8mb4'),
    define('DB_COLLATE', ''),
    define('WP_HOME', options.url),
    define('WP_SITEURL', options.url),
    define('WP_CONTENT_URL', `${options.url}/wp-content`),
    // Application Passwords need HTTPS unless the site says it is a local one.
    define('WP_ENVIRONMENT_TYPE', 'local'),
    define('DISABLE_WP_CRON', true),
    define('AUTOMATIC_UPDATER_DISABLED', true),
    define('WP_DEBUG', false),
    ...['AUTH', 'SECURE_AUTH', 'LOGGED_IN', 'NONCE'].flatMap((name) => [
      define(`${name}_KEY`, `test-${name}-key`),
      define(`${name}_SALT`, `test-${name}-salt`),
    ]),
    "$table_prefix = 'wp_';",
    "define('WP_CONTENT_DIR', __DIR__ . '/wp-content');",
    "if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');",
    "require_once ABSPATH . 'wp-settings.php';",
    '',
  ].join('\n');
}

/** PHP's built-in server has no rewrite rules: this sends every address that is not a file to WordPress. */
const ROUTER = `<?php
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path !== '/' && is_file(__DIR__ . $path)) return false;
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = __DIR__ . '/index.php';
require __DIR__ . '/index.php';
`;

/** No mail server here: WordPress's notices (new site, new user) are dropped instead of calling sendmail. */
const NO_MAIL_PLUGIN = `<?php
add_filter('pre_wp_mail', '__return_true');
`;

const INSTALL = `<?php
$db = new mysqli(null, 'root', '', null, 0, $argv[1]);
$db->query('CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4');
define('WP_INSTALLING', true);
require __DIR__ . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('Borsetshire Council', 'admin', 'admin@example.test', false, '', wp_generate_password(24));
update_option('permalink_structure', '/%postname%/');
$out = [];
foreach (['author' => 'comms', 'subscriber' => 'reader'] as $role => $login) {
  $id = wp_insert_user(['user_login' => $login, 'user_pass' => wp_generate_password(24), 'user_email' => "$login@example.test",
    'display_name' => $role === 'author' ? 'Comms Team' : 'A Reader', 'role' => $role]);
  if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }
  $made = WP_Application_Passwords::create_new_application_password($id, ['name' => 'Town Crier']);
  if (is_wp_error($made)) { fwrite(STDERR, $made->get_error_message()); exit(1); }
  $out[$role] = ['id' => $id, 'username' => $login, 'appPassword' => $made[0]];
}
echo json_encode($out);
`;

/** A copy of WordPress's entry points with our own wp-config.php; wp-admin and wp-includes are linked. */
function prepareWebRoot(root: string, socket: string, url: string): void {
  mkdirSync(root);
  for (const entry of readdirSync(WORDPRESS_DIR)) {
    if (entry === 'wp-config.php' || entry === 'wp-content') continue;
    if (entry.endsWith('.php') || entry.endsWith('.html')) cpSync(join(WORDPRESS_DIR, entry), join(root, entry));
    else symlinkSync(join(WORDPRESS_DIR, entry), join(root, entry));
  }
  mkdirSync(join(root, 'wp-content/uploads'), { recursive: true });
  mkdirSync(join(root, 'wp-content/mu-plugins'));
  symlinkSync(join(WORDPRESS_DIR, 'wp-content/plugins'), join(root, 'wp-content/plugins'));
  writeFileSync(join(root, 'wp-content/mu-plugins/no-mail.php'), NO_MAIL_PLUGIN);
  writeFileSync(join(root, 'wp-config.php'), wpConfig({ socket, url }));
  writeFileSync(join(root, 'tc-router.php'), ROUTER);
  writeFileSync(join(root, 'tc-install.php'), INSTALL);
}

/** Starts MariaDB and WordPress in a new temporary folder, installs the site and makes its users. */
export async function startWordPress(): Promise<WordPressSite> {
  const started = Date.now();
  const php = firstExisting(PHP, 'PHP (php-cli)');
  const mariadbd = firstExisting(MARIADBD, 'MariaDB (mariadb-server)');
  const installDb = firstExisting(INSTALL_DB, 'MariaDB (mariadb-server)');
  firstExisting([join(WORDPRESS_DIR, 'wp-settings.php')], 'WordPress (wordpress)');

  const dir = mkdtempSync(join(tmpdir(), 'tc-wp-'));
  const dataDir = join(dir, 'db');
  const socket = join(dir, 'mysql.sock');
  const root = join(dir, 'www');
  // mariadbd refuses to run as root unless told to, explicitly.
  const asUser = process.getuid?.() === 0 ? ['--user=root'] : [];
  const children: ChildProcess[] = [];
  let web: ChildProcess | undefined;
  const cleanUp = () => {
    for (const child of children) {
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(child === web ? -child.pid : child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  };
  process.once('exit', cleanUp);

  const stop = async () => {
    await stopChild(web, true);
    await Promise.all(children.map((child) => stopChild(child)));
    process.removeListener('exit', cleanUp);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const install = spawnSync(
      installDb,
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        ...asUser,
      ],
      { encoding: 'utf8' },
    );
    if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);
    let db: ChildProcess | undefined;
    const startDatabase = async () => {
      if (db && db.exitCode === null && db.signalCode === null) return;
      const server = spawn(
        mariadbd,
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--socket=${socket}`,
          '--skip-networking',
          `--pid-file=${join(dir, 'mariadbd.pid')}`,
          `--log-error=${join(dir, 'mariadbd.log')}`,
          '--innodb-buffer-pool-size=16M',
          '--skip-log-bin',
          ...asUser,
        ],
        { stdio: 'ignore' },
      );
      db = server;
      children.push(server);
      await waitFor('MariaDB', () => {
        if (server.exitCode !== null) throw new Error(`MariaDB stopped (see ${join(dir, 'mariadbd.log')})`);
        return existsSync(socket);
      });
    };
    await startDatabase();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    prepareWebRoot(root, socket, url);
    const made = spawnSync(php, ['tc-install.php', socket], { cwd: root, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`Installing WordPress failed: ${made.stderr || made.stdout}`);
    const users = JSON.parse(made.stdout) as { author: WordPressUser; subscriber: WordPressUser };

    const startWeb = async () => {
      if (web && web.exitCode === null && web.signalCode === null) return;
      const server = spawn(php, ['-S', `127.0.0.1:${port}`, 'tc-router.php'], {
        cwd: root,
        // Several requests at once (a look-up while a send runs), as a real web server would.
        env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
        stdio: 'ignore',
        // Its own process group, so stopping it stops its workers too.
        detached: true,
      });
      web = server;
      children.push(server);
      await waitFor('PHP built-in server', async () => {
        if (server.exitCode !== null) throw new Error(`php -S stopped (port ${port} taken?)`);
        try {
          const response = await fetch(`${url}/wp-json/`);
          await response.body?.cancel();
          return response.ok;
        } catch {
          return false;
        }
      });
    };
    await startWeb();

    return {
      url,
      author: users.author,
      subscriber: users.subscriber,
      startupMs: Date.now() - started,
      startWeb,
      stopWeb: async () => {
        await stopChild(web, true);
        await waitFor('stopping PHP', () => portClosed(port));
      },
      startDatabase,
      // MariaDB removes its socket file when it has stopped.
      stopDatabase: () => stopChild(db),
      php(code) {
        const result = spawnSync(php, ['-r', `require 'wp-load.php'; ${code}`], { cwd: root, encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`PHP failed: ${result.stderr || result.stdout}`);
        return result.stdout;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

import { APP_CSP } from '../../shared/security/csp.ts';

/** The web host's page policy: the app's one policy (shared/security/csp.ts). */
export const WEB_CSP = APP_CSP;

import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** Key of the web-auth Secret that holds the web configuration (exporter-toolkit `basic_auth_users`, bcrypt hashes). */
export const WEB_CONFIG_KEY = 'web.yml';
/** Key of the web-auth Secret that holds the clear-text password of the stack's own user, for its clients. */
export const PASSWORD_KEY = 'password';

/**
 * Basic auth between the stack's HTTP servers and their clients, from a Secret the user creates (README): servers read
 * the bcrypt hashes in `web.yml`, clients the password of `username`. No credential is ever written to dist/.
 */
export interface WebAuth {
  /** The user the stack's own clients log in as. */
  readonly username: string;
  /** Name of the Secret, in the namespace of each pod that mounts it. */
  readonly secretName: string;
}

/**
 * Mounts `key` of the web-auth Secret read-only at `dir/key` and returns that path. The directory is mounted (never
 * a subPath), so a rotated Secret reaches the running pod: exporter-toolkit reads web.yml on every request and
 * Prometheus reads password files on every use.
 */
export function mountWebAuthKey(scope: Construct, container: kplus.Container, auth: WebAuth, key: string, dir: string): string {
  const secret = kplus.Secret.fromSecretName(scope, `WebAuthSecret-${key}`, auth.secretName);
  const volume = kplus.Volume.fromSecret(scope, `WebAuthVolume-${key}`, secret, {
    name: `web-auth-${key.replace(/[^a-z0-9]/g, '-')}`, items: { [key]: { path: key } },
  });
  container.mount(dir, volume, { readOnly: true });
  return `${dir}/${key}`;
}

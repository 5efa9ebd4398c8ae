import { ConfigError } from './config.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Secrets the proxy does not read itself but must still never echo (the AWS SDK reads these). */
const WATCHED_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
/** Short values would redact ordinary words; real keys are longer. */
const MIN_REDACTED_LENGTH = 6;

/**
 * The one way providers read a secret: by the environment variable the config names.
 * Every value read is remembered, so `redact()` can scrub it from any text that
 * leaves the proxy (error messages, log lines), whatever put it there.
 */
export class Secrets {
  readonly #env: Env;
  readonly #values = new Set<string>();

  constructor(env: Env) {
    this.#env = env;
    for (const name of WATCHED_ENV) this.#remember(env[name]);
  }

  /** The variable's value; a missing one is a config error naming the variable, never a value. */
  require(name: string, fieldPath: string): string {
    const value = this.#env[name];
    if (!value) throw new ConfigError(fieldPath, `the environment variable ${name} is not set`);
    this.#remember(value);
    return value;
  }

  /** An optional variable (no error when unset), still redacted when set. */
  optional(name: string): string | undefined {
    const value = this.#env[name] || undefined;
    this.#remember(value);
    return value;
  }

  redact(text: string): string {
    let clean = text;
    for (const value of this.#values) clean = clean.split(value).join('[redacted]');
    return clean;
  }

  #remember(value: string | undefined): void {
    if (!value || value.length < MIN_REDACTED_LENGTH) return;
    this.#values.add(value);
    // The same secret may come back URL-encoded.
    this.#values.add(encodeURIComponent(value));
  }
}

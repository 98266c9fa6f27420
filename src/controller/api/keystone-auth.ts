import { createHash } from 'node:crypto';
import type { ValidatedToken } from '../../drivers/openstack/token-validation';
import type { Logger } from '../../logger';
import { ApiFault } from './faults';
import { grantsFor, type Caller, type PolicyName } from './policy';

/** Who can tell whose a token is: Keystone, through the service user's session. */
export interface TokenValidator {
  validateToken(token: string): Promise<ValidatedToken | undefined>;
}

export interface KeystoneAuthOptions {
  policy: PolicyName;
  /** How long a validation is trusted (never past the token's expiry). */
  cacheTtlMs: number;
  logger: Logger;
  /** At most this many tokens are remembered; the oldest are forgotten first. */
  maxEntries?: number;
  now?: () => number;
}

/** Unknown tokens are remembered for less long: a Keystone that glitched must not lock a user out for minutes. */
const NEGATIVE_TTL_MS = 10_000;

/** When to try again after Keystone could not be asked. */
const RETRY_AFTER_SECONDS = 5;

interface Remembered {
  caller?: Caller;
  until: number;
}

/**
 * Turns the `X-Auth-Token` a client got from Keystone into a {@link Caller}: Keystone validates it (as
 * keystonemiddleware does for Octavia), the token's project scopes the request, and its roles map to Octavia's policy.
 * Results are cached by a hash of the token (the token itself is not kept) until the TTL or the token's expiry,
 * whichever is sooner; concurrent requests with one token share one validation.
 */
export class KeystoneAuthenticator {
  private readonly remembered = new Map<string, Remembered>();
  private readonly asking = new Map<string, Promise<Caller | undefined>>();
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(
    private readonly validator: TokenValidator,
    private readonly options: KeystoneAuthOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /**
   * The caller the token stands for, or undefined when Keystone does not know it (unknown, expired, revoked).
   *
   * @throws ApiFault 503 with Retry-After when Keystone cannot be asked.
   */
  async callerFor(token: string): Promise<Caller | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const known = this.remembered.get(key);
    if (known && known.until > this.now()) return known.caller;
    let pending = this.asking.get(key);
    if (!pending) {
      pending = this.validate(key, token).finally(() => this.asking.delete(key));
      this.asking.set(key, pending);
    }
    return pending;
  }

  private async validate(key: string, token: string): Promise<Caller | undefined> {
    let validated: ValidatedToken | undefined;
    try {
      validated = await this.validator.validateToken(token);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.options.logger.warn({ service: 'identity', reason }, 'token validation failed: Keystone could not be asked');
      throw new ApiFault(
        503,
        `The identity service (Keystone) could not validate the token in X-Auth-Token: ${reason}. Try again shortly.`,
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
    const now = this.now();
    const caller = validated && {
      ...grantsFor(this.options.policy, validated.roles),
      ...(validated.projectId ? { projectId: validated.projectId } : {}),
    };
    const ttl = validated ? Math.min(this.options.cacheTtlMs, validated.expiresAt - now) : NEGATIVE_TTL_MS;
    if (ttl > 0) this.remember(key, { caller, until: now + Math.min(ttl, this.options.cacheTtlMs) });
    return caller;
  }

  private remember(key: string, entry: Remembered): void {
    this.remembered.delete(key);
    if (this.remembered.size >= this.maxEntries) {
      const oldest = this.remembered.keys().next().value;
      if (oldest !== undefined) this.remembered.delete(oldest);
    }
    this.remembered.set(key, entry);
  }
}

/**
 * A value of the load balancer's tree that cannot be rendered into haproxy's or keepalived's configuration without
 * changing its meaning or letting it inject directives (a header name with a space, a redirect URL with a line
 * break, an id haproxy cannot use as a name). The API validates these values, so this signals a record that
 * bypassed validation: fix the object through the API; rendering is refused rather than guessed.
 */
export class UnrenderableValueError extends Error {
  override readonly name = 'UnrenderableValueError';

  /**
   * @param objectType - the kind of object (`listener`, `l7rule`, `amphora`, `paths`, ...)
   * @param objectId - its id
   * @param field - the field holding the value
   * @param value - the value, undefined when it is missing
   * @param reason - what is wrong with it
   */
  constructor(
    readonly objectType: string,
    readonly objectId: string,
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
    super(
      `Cannot render the amphora configuration for ${objectType} ${JSON.stringify(objectId)}: ${field}${shown} ` +
        `${reason}; correct the ${objectType} through the API`,
    );
  }
}

/**
 * keepalived has nothing to do for this amphora: the load balancer is SINGLE and has no UDP or SCTP listener.
 * Callers check {@link needsKeepalived} first, or stop keepalived on this error.
 */
export class KeepalivedNotNeededError extends Error {
  override readonly name = 'KeepalivedNotNeededError';

  constructor(readonly loadBalancerId: string) {
    super(
      `No keepalived configuration for load balancer ${loadBalancerId}: it is SINGLE and has no UDP or SCTP ` +
        'listener, so neither VRRP nor LVS runs on its amphora; do not start keepalived there',
    );
  }
}

import type { Service } from './http';

/** Which requests a misbehaviour applies to. */
export interface RequestMatch {
  service?: Service;
  method?: string;
  /** Matched against the path below the service prefix, for example `/servers` or `/v2.0/ports`. */
  path?: RegExp;
}

export type Misbehaviour =
  /** Answer with this status before doing anything; `html` is a proxy's error page instead of the API's JSON. */
  | { kind: 'fail'; status: number; html?: boolean }
  /** Answer late (the work is still done). */
  | { kind: 'delay'; ms: number }
  /** Do the work, then close the connection without answering: a lost response. */
  | { kind: 'drop-response' }
  /** Do the work, then answer with a body this function rewrites: a malformed response. */
  | { kind: 'malform'; rewrite: (body: unknown) => unknown };

interface Rule {
  match: RequestMatch;
  remaining: number;
  action: Misbehaviour;
}

/** The misbehaviour plan of the fake cloud: rules applied to the next matching requests, in the order added. */
export class MisbehaviourPlan {
  private rules: Rule[] = [];

  add(match: RequestMatch, action: Misbehaviour, times = 1): void {
    this.rules.push({ match, remaining: times, action });
  }

  clear(): void {
    this.rules = [];
  }

  /** The misbehaviour for this request, if a rule matches (which uses up one of its times). */
  take(service: Service, method: string, path: string): Misbehaviour | undefined {
    const rule = this.rules.find(
      ({ match, remaining }) =>
        remaining > 0 &&
        (!match.service || match.service === service) &&
        (!match.method || match.method === method) &&
        (!match.path || match.path.test(path)),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.action;
  }
}

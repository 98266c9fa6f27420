import { printable } from '../printable';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Octavia's error body: every failure the API returns has this shape. */
export interface FaultBody {
  faultcode: 'Client' | 'Server';
  faultstring: string;
  debuginfo: null;
}

/** An error with its HTTP status and the fault string Octavia would give. */
export class ApiFault extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    /** Headers the answer carries besides the body (Retry-After on a 503). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiFault';
  }

  get body(): FaultBody {
    return { faultcode: this.status >= 500 ? 'Server' : 'Client', faultstring: this.message, debuginfo: null };
  }
}

/** Octavia's wording for a bad field: what was wrong, with which value, and what is expected. */
export function invalidField(field: string, value: unknown, constraint: string): ApiFault {
  const shown =
    value === undefined
      ? ''
      : ` Value: '${printable(truncate(typeof value === 'string' ? value : JSON.stringify(value)))}'.`;
  return new ApiFault(400, `Invalid input for field/attribute ${field}.${shown} ${constraint}`);
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

import { z } from 'zod';

/** What an OpenStack error body says, whatever the service. */
export interface ApiErrorBody {
  message: string;
  /** Nova's top-level key (`itemNotFound`, `badRequest`, `conflictingRequest`) or Neutron's `type`. */
  type?: string;
}

// Neutron: {"NeutronError": {"type": "PortNotFound", "message": "...", "detail": ""}}
const NeutronErrorSchema = z.object({
  NeutronError: z.object({ type: z.string().optional(), message: z.string(), detail: z.string().optional() }),
});
// Keystone (and keystonemiddleware in front of Nova and Neutron): {"error": {"code": 401, "title", "message"}}
const KeystoneErrorSchema = z.object({
  error: z.object({ code: z.number().optional(), title: z.string().optional(), message: z.string() }),
});
// Nova: {"itemNotFound": {"code": 404, "message": "..."}}, one key naming the kind of fault.
const NovaFaultSchema = z.object({ message: z.string(), code: z.number().optional() });

/**
 * Reads the message out of an error body from Nova, Neutron or Keystone. A body of another shape (an HTML page from
 * a proxy, an empty body) gives its text, shortened, or the status line.
 */
export function readApiErrorBody(status: number, data: unknown, statusText = ''): ApiErrorBody {
  const neutron = NeutronErrorSchema.safeParse(data);
  if (neutron.success) {
    const { type, message, detail } = neutron.data.NeutronError;
    return { message: detail ? `${message} (${detail})` : message, type };
  }
  const keystone = KeystoneErrorSchema.safeParse(data);
  if (keystone.success) return { message: keystone.data.error.message, type: keystone.data.error.title };
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const entries = Object.entries(data);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const fault = NovaFaultSchema.safeParse(first[1]);
      if (fault.success) return { message: fault.data.message, type: first[0] };
    }
  }
  if (typeof data === 'string' && data.trim()) {
    const textOnly = data
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (textOnly) return { message: textOnly.length > 200 ? `${textOnly.slice(0, 200)}...` : textOnly };
  }
  return { message: `HTTP ${status}${statusText ? ` ${statusText}` : ''} with no error message` };
}

import type { ApiServer } from '../../src/controller/api/server';

export interface ApiResponse {
  status: number;
  body: Record<string, unknown> & { faultcode?: string; faultstring?: string };
  headers: Headers;
}

/** A small HTTP client for the API under test: real requests over loopback. */
export function apiClient(server: ApiServer, token?: string) {
  return async function call(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const useToken = options.token === undefined ? token : options.token;
    if (useToken) headers['X-Auth-Token'] = useToken;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as ApiResponse['body']) : {},
      headers: response.headers,
    };
  };
}

import { CREDENTIALS } from '../drivers/openstack/fake/keystone';
import type { FakeOpenStack } from '../drivers/openstack/fake/cloud';

/** Someone with a Keystone account on one project, and the roles Keystone gives them there (implied ones included). */
export interface Persona {
  name: string;
  projectId: string;
  roles: string[];
}

/** Adds each persona to the fake Keystone, with a password only the test knows. */
export function addPersonas(cloud: FakeOpenStack, personas: readonly Persona[]): void {
  for (const persona of personas) {
    cloud.users.add({
      name: persona.name,
      password: `${persona.name}-password`,
      projectId: persona.projectId,
      projectName: persona.projectId,
      roles: persona.roles,
    });
  }
}

/** Logs in as a stock client does (password, project-scoped) and returns the token Keystone issued. */
export async function logIn(cloud: FakeOpenStack, persona: Persona): Promise<string> {
  const response = await fetch(`${cloud.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: persona.name, domain: { name: 'Default' }, password: `${persona.name}-password` },
          },
        },
        scope: { project: { name: persona.projectId, domain: { name: 'Default' } } },
      },
    }),
  });
  const token = response.headers.get('x-subject-token');
  if (response.status !== 201 || !token) throw new Error(`${persona.name} could not log in: ${response.status}`);
  return token;
}

/** The settings that make the API validate tokens with the fake Keystone, as its service user. */
export function keystoneEnv(cloud: FakeOpenStack, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AMPHORA_API_AUTH: 'keystone',
    OS_AUTH_URL: cloud.authUrl,
    OS_USERNAME: CREDENTIALS.username,
    OS_PASSWORD: CREDENTIALS.password,
    OS_PROJECT_NAME: CREDENTIALS.projectName,
    ...extra,
  };
}

import { useApiBed, type ApiBed } from '../controller/api-bed';
import { FakeOpenStack } from '../drivers/openstack/fake/cloud';
import { CREDENTIALS } from '../drivers/openstack/fake/keystone';

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

/**
 * A fake Keystone with `personas` on it, and the API bed behind its service catalog's `load-balancer` and `network`
 * (the Neutron lookups stock clients make to resolve a VIP subnet). `loginEnv(persona)` is the OS_* environment a stock
 * client logs in with as that persona (a Keystone v3 password, project-scoped), and nothing else.
 */
export function useKeystoneCloud(personas: readonly Persona[]): {
  cloud: () => FakeOpenStack;
  bed: () => ApiBed;
  loginEnv: (persona: Persona) => Record<string, string>;
} {
  let started: FakeOpenStack | undefined;
  beforeAll(async () => {
    started = await FakeOpenStack.start();
    addPersonas(started, personas);
  });
  afterAll(async () => {
    await started?.close();
  });
  const cloud = () => {
    if (!started) throw new Error('the fake cloud is read before it started');
    return started;
  };
  const bed = useApiBed({ env: () => keystoneEnv(cloud()), neutronLookups: true });
  beforeAll(() => {
    cloud().setCatalogEndpoint('load-balancer', bed().server.url);
    cloud().setCatalogEndpoint('network', bed().server.url);
  });
  const loginEnv = (persona: Persona) => ({
    OS_AUTH_TYPE: 'v3password',
    OS_AUTH_URL: cloud().authUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_USERNAME: persona.name,
    OS_PASSWORD: `${persona.name}-password`,
    OS_PROJECT_NAME: persona.projectId,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_INTERFACE: 'public',
  });
  return { cloud, bed, loginEnv };
}

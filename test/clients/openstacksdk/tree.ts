import { dirname, join } from 'node:path';
import { ensureOpenStackCli } from '../../harness/openstack-cli';

/**
 * The openstacksdk tree script (tree.py beside this file) and the python that runs it: the openstack CLI's virtualenv,
 * which carries openstacksdk since the CLI is built on it (installed on first use, about a minute). Returns the
 * command line that runs it.
 */
export async function openstackSdkTree(): Promise<string[]> {
  const python = join(dirname(await ensureOpenStackCli()), 'python');
  return [python, join(__dirname, 'tree.py')];
}

/** Where the programs that run inside namespaces are: the amphora agent, the fabric gateway, the member server, the health listener. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The programs the local data plane starts as processes of their own. */
export interface LocalScripts {
  agent: string;
  gateway: string;
  member: string;
  /** The health listener, which the fabric runs on the management network when heartbeats are on. */
  health: string;
}

/**
 * The scripts' paths: in `dir` as `agent.js`, `gateway.js`, `member.js` and `health.js` when given (tests bundle them from the
 * sources), else beside this file as compiled by `npm run build`.
 *
 * @throws Error naming what is missing and the command that makes it.
 */
export function localScripts(dir?: string): LocalScripts {
  const scripts: LocalScripts = dir
    ? {
        agent: join(dir, 'agent.js'),
        gateway: join(dir, 'gateway.js'),
        member: join(dir, 'member.js'),
        health: join(dir, 'health.js'),
      }
    : {
        agent: join(__dirname, '..', '..', 'agent', 'main.js'),
        gateway: join(__dirname, 'gateway', 'main.js'),
        member: join(__dirname, 'member', 'main.js'),
        health: join(__dirname, '..', '..', 'controller', 'health', 'main.js'),
      };
  for (const [name, path] of Object.entries(scripts) as [keyof LocalScripts, string][]) {
    if (!existsSync(path)) {
      throw new Error(
        `The local data plane's ${name} program is missing at ${path}: run \`npm run build\`${dir ? ` or fix AMPHORA_LOCAL_SCRIPTS_DIR=${dir}` : ''}`,
      );
    }
  }
  return scripts;
}

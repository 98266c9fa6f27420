import type { temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from './contracts';

/** The two services of a client's or a worker's connection that the check needs. */
export interface ReadinessServices {
  workflowService: {
    describeNamespace(request: { namespace: string }): Promise<unknown>;
  };
  operatorService: {
    listSearchAttributes(request: {
      namespace: string;
    }): Promise<temporal.api.operatorservice.v1.IListSearchAttributesResponse>;
  };
}

/** gRPC's NOT_FOUND, the answer about a namespace that does not exist. */
const NOT_FOUND = 5;

/** Our attributes' types as the API's IndexedValueType numbers (fixed by the wire format), and as the CLI names them. */
const TYPES = {
  KEYWORD: { wire: 2, cli: 'Keyword' },
  KEYWORD_LIST: { wire: 7, cli: 'KeywordList' },
} as const;

const SETUP_HINT = 'The scripts set both up: ./temporal-dev.sh up (dev server) or ./temporal-cluster.sh up (cluster)';

/**
 * Checks, at worker and API start, that the namespace exists and has every custom search attribute the workflows
 * set: without this, a missing attribute fails each workflow's first task, long after start, in the server's log.
 *
 * @throws Error naming the namespace or the attributes, and the command that adds them.
 */
export async function checkTemporalReady(
  services: ReadinessServices,
  address: string,
  namespace: string,
): Promise<void> {
  try {
    await services.workflowService.describeNamespace({ namespace });
  } catch (err) {
    if ((err as { code?: number }).code === NOT_FOUND) {
      throw new Error(
        `Namespace '${namespace}' (TEMPORAL_NAMESPACE) does not exist on the Temporal server at ${address}. Create it with: temporal operator namespace create --address ${address} --namespace ${namespace}. ${SETUP_HINT}.`,
        { cause: err },
      );
    }
    throw err;
  }
  const { customAttributes } = await services.operatorService.listSearchAttributes({ namespace });
  const missing = ALL_SEARCH_ATTRIBUTES.filter(
    (attribute) => Number(customAttributes?.[attribute.name]) !== TYPES[attribute.type].wire,
  );
  if (missing.length > 0) {
    const commands = missing
      .map(
        (attribute) =>
          `temporal operator search-attribute create --address ${address} --namespace ${namespace} --name ${attribute.name} --type ${TYPES[attribute.type].cli}`,
      )
      .join('; ');
    throw new Error(
      `Namespace '${namespace}' on the Temporal server at ${address} lacks the search attributes ${missing.map((attribute) => attribute.name).join(', ')}, which the workflows set (they would fail at their first task). Register them with: ${commands}. ${SETUP_HINT}.`,
    );
  }
}

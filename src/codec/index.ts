/** Workflow payloads encrypted on their way to the Temporal server, and the codec server the Web UI decodes through. */
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import type { CodecKeys } from './keys';

export { EncryptionCodec } from './encryption-codec';
export { codecKeysFromEnv, parseCodecKeys, type CodecKeys } from './keys';

/** The data converter of every client and worker: payloads encrypted when codec keys are configured. */
export function dataConverterFor(keys: CodecKeys | undefined): DataConverter | undefined {
  return keys ? { payloadCodecs: [new EncryptionCodec(keys)] } : undefined;
}

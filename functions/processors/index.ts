export type {
  JsonValue,
  Processor,
  ProcessorContext,
  ProcessorOutput,
  ProcessorRegistry,
} from './processor.js';
export { PermanentError, type PermanentErrorOptions } from './permanent-error.js';
export { PROCESSORS } from './processor-registry.js';
export { parseJsonPayload } from './parse-json-payload.js';
export { synchronousProcessor } from './synchronous-processor.js';
export {
  encodeProcessorOutput,
  DEFAULT_JSON_CONTENT_TYPE,
  DEFAULT_TEXT_CONTENT_TYPE,
  type EncodedOutput,
} from './processor-output.js';

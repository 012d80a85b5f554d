// `npm run traces`: a local OTLP/HTTP (JSON) receiver that prints each trace as a tree.
// Point a run at it: OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/json npm start
import { z } from 'zod';
import { startOtlpJsonReceiver } from './otlp-json-receiver.js';
import { TracePrinter } from './print-traces.js';

/** OTLP/HTTP's standard port. */
const DEFAULT_OTLP_HTTP_PORT = 4318;

const env = z
  .object({
    SLUICE_TRACES_PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_OTLP_HTTP_PORT),
  })
  .parse(process.env);
const printer = new TracePrinter({ write: (text) => process.stdout.write(text) });
const receiver = await startOtlpJsonReceiver({
  port: env.SLUICE_TRACES_PORT,
  onSpan: (span) => printer.add(span),
});
process.stdout.write(
  [
    `Receiving OTLP/HTTP JSON traces on ${receiver.endpoint}/v1/traces; each trace prints as a tree once quiet.`,
    `Send a run's traces here:`,
    `  OTEL_EXPORTER_OTLP_ENDPOINT=${receiver.endpoint} OTEL_EXPORTER_OTLP_PROTOCOL=http/json npm start`,
    '',
  ].join('\n') + '\n',
);

const stop = (): void => {
  printer.flush();
  void receiver.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

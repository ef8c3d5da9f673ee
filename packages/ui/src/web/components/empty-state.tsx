import type { ComponentChildren } from 'preact';

/** Where the SDK and every OpenTelemetry SDK send by default: the hub's default address. */
const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318';

/**
 * What to do when the hub has no data at all: the SDK's three lines, or the standard OTEL_*
 * variables for any OpenTelemetry SDK. `endpoint` is where this hub listens (from `/api/hub`).
 */
export function NoDataYet({ endpoint = DEFAULT_ENDPOINT }: { readonly endpoint?: string | undefined }) {
  return (
    <section class="empty" data-testid="empty-state">
      <h2>No telemetry yet</h2>
      <p>This hub has not received any spans. Send some in one of two ways:</p>
      <h3>From a TypeScript app, with the agentlens SDK</h3>
      <pre>
        <code>{`import { createAgentlens } from '@agentlens/sdk';
${
  endpoint === DEFAULT_ENDPOINT
    ? "const agentlens = createAgentlens({ serviceName: 'my-agent' }); // sends to this hub"
    : `const agentlens = createAgentlens({ serviceName: 'my-agent', tracing: { endpoint: '${endpoint}/v1/traces' } });`
}
await agentlens.withAgent('ChatAgent', () => runMyAgent());`}</code>
      </pre>
      <p class="muted">
        Wrap model and tool calls with <code>agentlens.withModelCall</code> and{' '}
        <code>agentlens.withToolCall</code> to see tokens, cost and tools.
      </p>
      <h3>From any OpenTelemetry SDK, in any language</h3>
      <pre>
        <code>{`OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
OTEL_SERVICE_NAME=my-agent`}</code>
      </pre>
      <p class="muted">
        Or try it with made-up data: <code>npx agentlens demo</code>. This page updates by itself when the
        first spans arrive.
      </p>
    </section>
  );
}

/** An empty list or table: says what is missing and, where it helps, what to change. */
export function Nothing({ children }: { readonly children: ComponentChildren }) {
  return <p class="nothing">{children}</p>;
}

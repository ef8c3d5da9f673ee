/**
 * Provider names as other dialects spell them, mapped to `gen_ai.provider.name` values, so the
 * provider column reads the same whichever library produced the span. Names not listed pass
 * through lower-cased.
 */
const PROVIDER_NAMES: Readonly<Record<string, string>> = Object.freeze({
  // Vercel AI SDK provider ids (the part of `ai.model.provider` before the first dot).
  'amazon-bedrock': 'aws.bedrock',
  'azure-openai': 'azure.ai.openai',
  azure: 'azure.ai.openai',
  'google.vertex': 'gcp.vertex_ai',
  'google.generative-ai': 'gcp.gemini',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  // OpenInference `llm.provider` / `llm.system` values.
  mistralai: 'mistral_ai',
  vertexai: 'gcp.vertex_ai',
  aws: 'aws.bedrock',
  // LangChain `ls_provider` values.
  bedrock: 'aws.bedrock',
  amazon_bedrock: 'aws.bedrock',
  google_vertexai: 'gcp.vertex_ai',
  google_genai: 'gcp.gemini',
  azure_openai: 'azure.ai.openai',
});

/** A provider name from any dialect as a `gen_ai.provider.name` value. */
export function canonicalProvider(name: string): string {
  const lower = name.toLowerCase();
  return PROVIDER_NAMES[lower] ?? lower;
}

/**
 * The provider of a Vercel AI SDK model: `ai.model.provider` is `{provider}.{api}`
 * (`openai.chat`, `openai.responses`, `anthropic.messages`, `google.vertex.chat`), and ai@6
 * copies it verbatim into `gen_ai.system`.
 */
export function vercelProvider(name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('google.vertex')) return 'gcp.vertex_ai';
  if (lower.startsWith('google.generative-ai')) return 'gcp.gemini';
  const dot = lower.indexOf('.');
  return canonicalProvider(dot === -1 ? lower : lower.slice(0, dot));
}

/**
 * OpenTelemetry `gen_ai.provider.name` values (and the older `gen_ai.system` spellings) mapped to
 * the provider ids of the genai-prices dataset. Names not listed here are passed through
 * lower-cased, so the dataset's own ids (`openai`, `google`, `aws`, `x-ai`, ...) work as they are.
 *
 * The explicit entries matter: the dataset's loose provider matching would send `azure.ai.openai`
 * to `openai` (it "contains openai"), while Azure bills from its own price list.
 */
export const PROVIDER_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'aws.bedrock': 'aws',
  bedrock: 'aws',
  'azure.ai.inference': 'azure',
  'azure.ai.openai': 'azure',
  'az.ai.inference': 'azure',
  'az.ai.openai': 'azure',
  'gcp.gemini': 'google',
  'gcp.gen_ai': 'google',
  'gcp.vertex_ai': 'google',
  vertex_ai: 'google',
  gemini: 'google',
  mistral_ai: 'mistral',
  x_ai: 'x-ai',
  xai: 'x-ai',
  fireworks_ai: 'fireworks',
  together_ai: 'together',
  moonshot: 'moonshotai',
});

/**
 * The dataset provider id for a provider name as it appears in telemetry.
 *
 * @example
 * datasetProviderId('gcp.vertex_ai'); // 'google'
 * datasetProviderId('OpenAI'); // 'openai'
 */
export function datasetProviderId(provider: string): string {
  const name = provider.trim().toLowerCase();
  return PROVIDER_ALIASES[name] ?? name;
}

export type { CostBreakdown, CostResult, PriceProvenance, TokenUsage } from './cost-result.js';
export { GENAI_PRICES_DATASET, GENAI_PRICES_DATE, GENAI_PRICES_VERSION } from './dataset.js';
export type { PriceCatalogOptions } from './price-catalog.js';
export { PRICE_CACHE_MAX_ENTRIES, PriceCatalog } from './price-catalog.js';
export type { PriceOverride } from './price-override.js';
export { parsePriceOverrides } from './price-override.js';
export { datasetProviderId, PROVIDER_ALIASES } from './provider-aliases.js';

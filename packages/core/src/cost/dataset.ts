/**
 * The price dataset bundled with `@pydantic/genai-prices`. The library exposes neither its version
 * nor the date of its data, so both are recorded here; `dataset.test.ts` fails when the installed
 * package is not the version named here, so a bump of the (exactly pinned) dependency cannot leave
 * a stale label behind. The date is the day that version was published to npm: its bundled data is
 * a snapshot taken at that build.
 */

/** Version of `@pydantic/genai-prices` whose data prices every `genai-prices` cost. */
export const GENAI_PRICES_VERSION = '0.1.8';
/** Publication date (ISO, YYYY-MM-DD) of {@link GENAI_PRICES_VERSION}, the date of its price snapshot. */
export const GENAI_PRICES_DATE = '2026-09-23';
/** The dataset label carried in provenance. */
export const GENAI_PRICES_DATASET = `genai-prices ${GENAI_PRICES_VERSION}`;

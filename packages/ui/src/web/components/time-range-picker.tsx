import { useState } from 'preact/hooks';
import { setQuery, usePlace } from '../router.js';
import { PRESETS, rangeOf } from '../time-range.js';

function toLocalInput(ms: number): string {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

/** 15m / 1h / 24h / 7d or a custom from–to; the choice goes into the URL. */
export function TimeRangePicker() {
  const { query } = usePlace();
  const range = rangeOf(query);
  const [custom, setCustom] = useState(false);
  const now = Date.now();
  const [from, setFrom] = useState(toLocalInput(range.kind === 'custom' ? range.fromMs : now - 3_600_000));
  const [to, setTo] = useState(toLocalInput(range.kind === 'custom' ? range.toMs : now));

  return (
    <fieldset class="range-picker" aria-label="Time range">
      {PRESETS.map((preset) => (
        <button
          key={preset}
          type="button"
          aria-pressed={range.kind === 'preset' && range.preset === preset}
          onClick={() => {
            setCustom(false);
            setQuery({ range: preset === '1h' ? undefined : preset, from: undefined, to: undefined });
          }}
        >
          {preset}
        </button>
      ))}
      <button
        type="button"
        aria-pressed={range.kind === 'custom'}
        aria-expanded={custom}
        onClick={() => setCustom(!custom)}
      >
        custom
      </button>
      {custom && (
        <form
          class="custom-range"
          onSubmit={(event) => {
            event.preventDefault();
            const fromMs = new Date(from).getTime();
            const toMs = new Date(to).getTime();
            if (!(fromMs < toMs)) return;
            setCustom(false);
            setQuery({ range: undefined, from: String(fromMs), to: String(toMs) });
          }}
        >
          <label>
            from <input type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label>
            to <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
          <button type="submit">apply</button>
        </form>
      )}
    </fieldset>
  );
}

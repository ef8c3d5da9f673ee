import { useEffect, useRef, useState } from 'preact/hooks';
import { setToken, useShared } from '../api.js';

/**
 * Asks for the hub's token once, when the API answers 401; kept in sessionStorage for this tab.
 */
export function TokenPrompt() {
  const { auth } = useShared();
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (auth !== 'ok') input.current?.focus();
  }, [auth]);
  if (auth === 'ok') return null;
  return (
    <div class="overlay">
      <form
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="token-title"
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim() !== '') setToken(value.trim());
        }}
      >
        <h2 id="token-title">This hub needs a token</h2>
        <p>
          {auth === 'refused'
            ? 'The hub refused that token. Check it and try again.'
            : 'The hub was started with a token (AGENTLENS_TOKEN). Enter it to see the data; it is kept for this tab only.'}
        </p>
        <label>
          Token
          <input
            type="password"
            name="token"
            autoComplete="off"
            ref={input}
            value={value}
            onInput={(event) => setValue(event.currentTarget.value)}
          />
        </label>
        <button type="submit">Continue</button>
      </form>
    </div>
  );
}

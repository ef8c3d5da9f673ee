import type { ComponentChildren } from 'preact';
import { setLive, useShared } from './api.js';
import { Link } from './components/link.js';
import { TimeRangePicker } from './components/time-range-picker.js';
import { TokenPrompt } from './components/token-prompt.js';
import { AgentPage, AgentsPage } from './pages/agents.js';
import { HealthPage } from './pages/health.js';
import { LogsPage } from './pages/logs.js';
import { ModelsPage } from './pages/models.js';
import { OverviewPage } from './pages/overview.js';
import { ToolsPage } from './pages/tools.js';
import { TracePage } from './pages/trace.js';
import { TracesPage } from './pages/traces.js';
import { hrefOf, usePlace } from './router.js';
import { rangeParams } from './time-range.js';

const NAV: readonly { readonly path: string; readonly label: string }[] = [
  { path: '/', label: 'Overview' },
  { path: '/agents', label: 'Agents' },
  { path: '/models', label: 'Models & cost' },
  { path: '/tools', label: 'Tools' },
  { path: '/traces', label: 'Traces' },
  { path: '/logs', label: 'Logs' },
  { path: '/health', label: 'Health' },
];

interface Route {
  readonly title: string;
  readonly section: string;
  readonly body: ComponentChildren;
  /** Whether the page takes the time range (the health page does not). */
  readonly ranged: boolean;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The page for a path; unknown paths get a page that says so. */
function route(path: string): Route {
  const parts = path.split('/').filter((p) => p !== '');
  const [first, second] = parts;
  if (first === undefined) return { title: 'Overview', section: '/', body: <OverviewPage />, ranged: true };
  if (first === 'agents' && second !== undefined) {
    const name = decode(second);
    return { title: `Agent ${name}`, section: '/agents', body: <AgentPage name={name} />, ranged: true };
  }
  if (first === 'traces' && second !== undefined)
    return { title: 'Trace', section: '/traces', body: <TracePage traceId={second} />, ranged: false };
  if (parts.length === 1) {
    switch (first) {
      case 'agents':
        return { title: 'Agents', section: '/agents', body: <AgentsPage />, ranged: true };
      case 'models':
        return { title: 'Models & cost', section: '/models', body: <ModelsPage />, ranged: true };
      case 'tools':
        return { title: 'Tools', section: '/tools', body: <ToolsPage />, ranged: true };
      case 'traces':
        return { title: 'Traces', section: '/traces', body: <TracesPage />, ranged: true };
      case 'logs':
        return { title: 'Logs', section: '/logs', body: <LogsPage />, ranged: true };
      case 'health':
        return { title: 'Health', section: '/health', body: <HealthPage />, ranged: false };
    }
  }
  return {
    title: 'Not found',
    section: '',
    body: (
      <p class="nothing">
        No page at <code>{path}</code>. <Link href="/">Go to the overview</Link>.
      </p>
    ),
    ranged: false,
  };
}

/** The shell: navigation, the time range, live updates, the page, and the token prompt. */
export function App() {
  const { path, query } = usePlace();
  const { live } = useShared();
  const page = route(path);
  const keep = rangeParams(query);
  document.title = `${page.title} · agentlens`;
  return (
    <div class="shell">
      <nav class="nav" aria-label="Pages">
        <Link href={hrefOf('/', keep)} class="brand">
          agentlens
        </Link>
        <ul>
          {NAV.map((item) => (
            <li key={item.path}>
              <Link
                href={hrefOf(item.path, item.path === '/health' ? {} : keep)}
                aria-current={page.section === item.path ? 'page' : undefined}
              >
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main class="main">
        <header class="top">
          <h1>{page.title}</h1>
          <div class="top-controls">
            {page.ranged && <TimeRangePicker />}
            <label class="live" title="Reload every few seconds while this tab is visible">
              <input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} /> live
            </label>
          </div>
        </header>
        {page.body}
      </main>
      <TokenPrompt />
    </div>
  );
}

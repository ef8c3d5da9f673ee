/**
 * The built web UI in Debian's Chromium (driven by playwright-core, never a downloaded browser)
 * against real hubs: one filled with known data through the SDK, one empty, one behind a token.
 * The UI is served by `registerUi` (as the hub serves it) on a small Fastify server that passes
 * `/api` through to the hub under test. Screenshots of every page, light and dark, go to
 * `packages/ui/test-artifacts/screenshots/`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENAI_PRICES_DATASET, GENAI_PRICES_DATE, NO_GENAI_COLUMNS, type SpanRecord } from '@agentlens/core';
import { createHub, type Hub, type HubOptions } from '@agentlens/hub';
import type { HubStatusResponse, ReportResponse, StatsResponse, TracesResponse } from '@agentlens/hub/client';
import { createAgentlens } from '@agentlens/sdk';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTool, findExecutable } from '../../../../test-support/require-tool.js';
// The figures' formatting is the UI's own: the test reads the API and expects what the UI shows.
import { formatCount, formatPercent, formatTokens, formatUsd } from '../web/format.js';

const CHROMIUM = findExecutable('chromium');
const DIST = fileURLToPath(new URL('../../dist/web/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));
const TOKEN = 'e2e-secret-token';

interface Served {
  readonly hub: Hub;
  /** Where the browser opens the UI: the hub itself, which serves it at `/`. */
  readonly url: string;
}

/** A hub serving this build of the UI, as `agentlens serve` runs it. */
async function hubWithUi(options: Omit<HubOptions, 'ui' | 'port'>): Promise<Served> {
  const hub = await createHub({
    ...options,
    port: 0,
    grpcPort: null,
    decodeWorkers: 0,
    ui: { distDir: DIST },
  });
  return { hub, url: hub.url };
}

/**
 * Known data, sent the way an app sends it: three ChatAgent runs (the third fails), each with a
 * model call of 1 000 input and 200 output tokens costing $0.01 and a captured conversation; one
 * CodeAgent run whose tool call fails while the run succeeds; a log line inside each ChatAgent run;
 * one gpt-4o call from another SDK that the hub prices.
 */
async function sendKnownData(hub: Hub): Promise<void> {
  const agentlens = createAgentlens({
    serviceName: 'ui-e2e',
    processMetrics: false,
    captureContent: true,
    logging: { stdout: false, otlp: true, level: 'info' },
    tracing: { endpoint: `${hub.url}/v1/traces` },
  });
  for (let i = 0; i < 3; i++) {
    try {
      await agentlens.withAgent('ChatAgent', async () => {
        agentlens.logger?.info(`answering question ${i}`);
        await agentlens.withModelCall({ provider: 'openai', model: 'gpt-4o-mini' }, async (call) => {
          call.setInputMessages([{ role: 'user', parts: [{ type: 'text', content: `What is ${i} + 1?` }] }]);
          call.setOutputMessages([{ role: 'assistant', parts: [{ type: 'text', content: `${i + 1}` }] }]);
          call.setUsage({ inputTokens: 1000, outputTokens: 200 });
          call.setCost(0.01);
        });
        if (i === 2) throw new Error('the user went away');
      });
    } catch {
      // The failed run is part of the data.
    }
  }
  await agentlens.withAgent('CodeAgent', async () => {
    try {
      await agentlens.withToolCall('code_exec', async () => {
        throw new Error('exit status 1');
      });
    } catch {
      // A failed tool call inside a run that still succeeds.
    }
  });
  await agentlens.shutdown();
  await sendOtherSdkModelCall(hub);
}

const HUB_PRICED_TRACE = 'c'.repeat(32);

/**
 * One model call from another OpenTelemetry SDK (OTLP/JSON, GenAI attributes, tokens but no
 * cost), which the hub prices itself with its catalog.
 */
async function sendOtherSdkModelCall(hub: Hub, traceId = HUB_PRICED_TRACE): Promise<void> {
  const endNs = BigInt(Date.now() - 30_000) * 1_000_000n;
  const attribute = (key: string, value: string | number) => ({
    key,
    value: typeof value === 'string' ? { stringValue: value } : { intValue: String(value) },
  });
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attribute('service.name', 'python-app')] },
        scopeSpans: [
          {
            scope: { name: 'opentelemetry.instrumentation.openai' },
            spans: [
              {
                traceId,
                spanId: traceId.slice(0, 16),
                name: 'chat gpt-4o',
                kind: 3,
                startTimeUnixNano: String(endNs - 1_500_000_000n),
                endTimeUnixNano: String(endNs),
                attributes: [
                  attribute('gen_ai.operation.name', 'chat'),
                  attribute('gen_ai.provider.name', 'openai'),
                  attribute('gen_ai.request.model', 'gpt-4o'),
                  attribute('gen_ai.usage.input_tokens', 2000),
                  attribute('gen_ai.usage.output_tokens', 500),
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  const answer = await fetch(`${hub.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(`OTLP/JSON export: ${answer.status} ${await answer.text()}`);
}

const BIG_TRACE = 'b'.repeat(32);

/** A trace of 10 000 spans: a root, 100 steps under it, 99 calls under each step. */
function bigTrace(): SpanRecord[] {
  const startNs = BigInt(Date.now() - 60_000) * 1_000_000n;
  const span = (index: number, parent: number | null, offsetMs: number, durationMs: number): SpanRecord => ({
    ...NO_GENAI_COLUMNS,
    traceId: BIG_TRACE,
    spanId: index.toString(16).padStart(16, '0'),
    parentSpanId: parent === null ? null : parent.toString(16).padStart(16, '0'),
    service: 'big-service',
    name: parent === null ? 'batch job' : `step ${index}`,
    kind: 1,
    startTimeUnixNano: String(startNs + BigInt(Math.round(offsetMs * 1e6))),
    endTimeUnixNano: String(startNs + BigInt(Math.round((offsetMs + durationMs) * 1e6))),
    durationMs,
    statusCode: index === 9_999 ? 2 : 0,
    statusMessage: null,
    attributes: { index },
    resource: { 'service.name': 'big-service' },
    scope: { name: 'e2e', version: '' },
    events: [],
    links: [],
  });
  const spans = [span(1, null, 0, 10_000)];
  let next = 2;
  for (let step = 0; step < 100; step++) {
    const stepId = next++;
    spans.push(span(stepId, 1, step * 100, 100));
    for (let call = 0; call < 99 && next <= 10_000; call++)
      spans.push(span(next++, stepId, step * 100 + call, 1));
  }
  return spans;
}

/**
 * A BusyAgent run still going: its model call ended 40 s ago inside the run (it names the agent and
 * has the run's span as parent), and the run's own span has not arrived.
 */
function busyAgentCall(): SpanRecord {
  const endNs = BigInt(Date.now() - 40_000) * 1_000_000n;
  return {
    ...NO_GENAI_COLUMNS,
    traceId: 'd'.repeat(32),
    spanId: 'd'.repeat(16),
    parentSpanId: 'e'.repeat(16),
    service: 'busy-service',
    name: 'chat gpt-4o-mini',
    kind: 3,
    startTimeUnixNano: String(endNs - 5_000_000_000n),
    endTimeUnixNano: String(endNs),
    durationMs: 5_000,
    statusCode: 0,
    statusMessage: null,
    category: 'model',
    operation: 'chat',
    agentName: 'BusyAgent',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    attributes: { 'gen_ai.agent.name': 'BusyAgent' },
    resource: { 'service.name': 'busy-service' },
    scope: { name: 'e2e', version: '' },
    events: [],
    links: [],
  };
}

async function api<T>(served: Served, path: string): Promise<T> {
  const answer = await fetch(`${served.hub.url}${path}`);
  if (!answer.ok) throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
  return (await answer.json()) as T;
}

describeWithTool(
  { name: 'chromium', found: CHROMIUM !== undefined, debianPackage: 'chromium' },
  'the web UI in Chromium',
  () => {
    let dir: string;
    let browser: Browser;
    let context: BrowserContext;
    let full: Served;
    let empty: Served;
    let guarded: Served;
    let big: Served;

    beforeAll(async () => {
      if (!existsSync(join(DIST, 'index.html'))) {
        throw new Error(`${DIST}index.html is missing: run npm run build (or npx vite build in packages/ui)`);
      }
      dir = mkdtempSync(join(tmpdir(), 'agentlens-ui-e2e-'));
      mkdirSync(SHOTS, { recursive: true });
      [full, empty, guarded, big] = await Promise.all([
        hubWithUi({ dbPath: join(dir, 'full.db'), dailyBudgetUsd: 1 }),
        hubWithUi({ dbPath: join(dir, 'empty.db') }),
        hubWithUi({ dbPath: join(dir, 'guarded.db'), token: TOKEN }),
        hubWithUi({ dbPath: join(dir, 'big.db') }),
      ]);
      await sendKnownData(full.hub);
      await big.hub.store.writeSpans([...bigTrace(), busyAgentCall()]);
      browser = await chromium.launch({
        executablePath: CHROMIUM as string,
        // Root in CI has no user namespace for Chromium's sandbox.
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      });
      context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      for (const served of [full, empty, guarded, big]) await served?.hub.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function open(path: string, served: Served = full, ctx: BrowserContext = context): Promise<Page> {
      const page = await ctx.newPage();
      const failures: string[] = [];
      page.on('pageerror', (error) => failures.push(error.message));
      await page.goto(`${served.url}${path}`);
      (page as Page & { failures?: string[] }).failures = failures;
      return page;
    }

    it('shows the overview with the figures the API gives', async () => {
      const page = await open('/');
      const stats = await api<StatsResponse<'overview'>>(full, '/api/stats/overview?window=1h');
      const overview = stats.groups[0];
      expect(overview.requests).toBe(4);
      await expect
        .poll(() => page.getByTestId('overview-requests').textContent())
        .toBe(formatCount(overview.requests));
      expect(await page.getByTestId('overview-success-rate').textContent()).toBe(
        formatPercent(overview.successRate),
      );
      expect(await page.getByTestId('overview-tokens').textContent()).toBe(
        formatTokens(overview.tokens.input + overview.tokens.output),
      );
      expect(await page.getByTestId('overview-cost').textContent()).toBe(formatUsd(overview.costUsd));
      // Three ChatAgent calls at $0.01 each and the hub-priced gpt-4o call (2 000 in, 500 out).
      expect(await page.getByTestId('overview-cost').textContent()).toBe('$0.04');
      // The status and the budget are the report's when the hub has `/api/report`.
      const { health } = await api<ReportResponse>(full, '/api/report?window=1h');
      expect(await page.getByTestId('overview-status').textContent()).toBe(health.status);
      expect(health.budget?.dailyUsd).toBe(1);
      expect(await page.getByTestId('overview-budget').textContent()).toBe(
        `today ${formatUsd(health.budget?.spentTodayUsd ?? 0)} of $1.00 budget`,
      );
      // Top agents, and the failed runs among the recent errors.
      await expect.poll(() => page.getByRole('link', { name: 'ChatAgent' }).count()).toBeGreaterThan(0);
      expect(await page.locator('.error-list li').count()).toBe(2);
      // The time range goes into the URL, and back returns to the previous one.
      await page.getByRole('button', { name: '24h' }).click();
      await expect.poll(() => page.url()).toContain('range=24h');
      expect(await page.getByRole('button', { name: '24h' }).getAttribute('aria-pressed')).toBe('true');
      await page.getByRole('link', { name: 'Traces' }).click();
      await expect.poll(() => page.url()).toContain('/traces?range=24h');
      await page.goBack();
      await page.goBack();
      await expect.poll(() => page.url()).toBe(`${full.url}/`);
      expect(await page.getByRole('button', { name: '1h' }).getAttribute('aria-pressed')).toBe('true');
      expect((page as Page & { failures?: string[] }).failures).toEqual([]);
      await page.close();
    });

    it('narrows the trace list by agent and by error, with every filter in the URL', async () => {
      const page = await open('/traces');
      const rows = page.locator('table[aria-label="Traces"] tbody tr');
      const all = (await api<TracesResponse>(full, '/api/traces?window=1h')).traces.length;
      // Four agent runs and the other SDK's model call.
      expect(all).toBe(5);
      await expect.poll(() => rows.count()).toBe(all);

      await page.getByLabel('Agent').fill('CodeAgent');
      await page.getByLabel('Agent').press('Enter');
      await expect.poll(() => page.url()).toContain('agent=CodeAgent');
      const byAgent = await api<TracesResponse>(full, '/api/traces?window=1h&agent=CodeAgent');
      expect(byAgent.traces).toHaveLength(1);
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain('invoke_agent CodeAgent');

      await page.getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(() => rows.count()).toBe(all);
      await page.getByLabel('Status').selectOption('error');
      await expect.poll(() => page.url()).toContain('status=error');
      const failed = await api<TracesResponse>(full, '/api/traces?window=1h&status=error');
      expect(failed.traces).toHaveLength(2);
      await expect.poll(() => rows.count()).toBe(failed.traces.length);

      // Back goes to the list before the status filter.
      await page.goBack();
      await expect.poll(() => rows.count()).toBe(all);
      await page.goForward();
      await expect.poll(() => rows.count()).toBe(2);

      // The same URL in a new page shows the same view.
      const filtered = `${new URL(page.url()).pathname}${new URL(page.url()).search}`;
      const again = await open(filtered);
      const againRows = again.locator('table[aria-label="Traces"] tbody tr');
      await expect.poll(() => againRows.count()).toBe(2);
      expect(await again.getByLabel('Status').inputValue()).toBe('error');
      await again.close();
      await page.close();
    });

    it('opens a trace: the waterfall nests the spans and the panel shows the model call', async () => {
      const traces = await api<TracesResponse>(full, '/api/traces?window=1h&agent=ChatAgent&status=ok');
      const trace = traces.traces[0];
      expect(trace).toBeDefined();
      const page = await open('/traces?agent=ChatAgent&status=ok');
      // Keyboard: into the list, down and up, Enter opens the row.
      const listRows = page.locator('table[aria-label="Traces"] tbody tr');
      await expect.poll(() => listRows.count()).toBe(traces.traces.length);
      await listRows.first().focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.url()).toContain(`/traces/${trace?.traceId}`);
      const rows = page.locator('.wf-row');
      await expect.poll(() => rows.count()).toBe(2);
      const root = page.locator('.wf-row', { hasText: 'invoke_agent ChatAgent' });
      const child = page.locator('.wf-row', { hasText: 'chat gpt-4o-mini' });
      expect(await root.getAttribute('data-depth')).toBe('0');
      expect(await child.getAttribute('data-depth')).toBe('1');

      await child.click();
      await expect.poll(() => page.url()).toContain('span=');
      const panel = page.getByTestId('span-panel');
      await expect.poll(() => panel.getByTestId('span-input-tokens').textContent()).toBe('1,000');
      expect(await panel.getByTestId('span-output-tokens').textContent()).toBe('200');
      expect(await panel.getByTestId('span-cost').textContent()).toBe('$0.01');
      expect(await panel.locator('.conversation').textContent()).toContain('+ 1?');

      // Keyboard: up selects the parent, left folds it, right unfolds it.
      await page.locator('.waterfall-rows').focus();
      await page.keyboard.press('ArrowUp');
      await expect.poll(() => panel.locator('.span-title').textContent()).toBe('invoke_agent ChatAgent');
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => rows.count()).toBe(1);
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => rows.count()).toBe(2);

      // The selected span is in the URL too.
      const again = await open(`${new URL(page.url()).pathname}${new URL(page.url()).search}`);
      await expect
        .poll(() => again.getByTestId('span-panel').locator('.span-title').textContent())
        .toBe('invoke_agent ChatAgent');
      await again.close();
      await page.close();
    });

    it('names the price entry and dataset date behind each cost', async () => {
      const models = await api<StatsResponse<'models'>>(full, '/api/stats/models?window=1h');
      const gpt4o = models.groups.find((g) => g.name === 'gpt-4o');
      expect(gpt4o?.costUsd).toBeGreaterThan(0);
      const page = await open('/models');
      const row = page
        .locator('table[aria-label="Models"] tbody tr')
        .filter({ has: page.getByRole('link', { name: 'gpt-4o', exact: true }) });
      await expect.poll(() => row.count()).toBe(1);
      const rowText = await row.textContent();
      expect(rowText).toContain(formatUsd(gpt4o?.costUsd ?? -1));
      expect(rowText).toContain(`openai/gpt-4odata of ${GENAI_PRICES_DATE}`);
      // Cost over time by provider as well as by model.
      const byProvider = page.getByRole('img', { name: 'Cost per provider over time' });
      await expect.poll(() => byProvider.count()).toBe(1);
      const providers = await api<{ series: { key: string }[] }>(
        full,
        '/api/timeseries?window=1h&measure=cost&step=1m&groupBy=provider',
      );
      expect(providers.series.map((s) => s.key)).toEqual(['openai']);
      await expect.poll(() => byProvider.locator('canvas').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('price-dataset').textContent()).toContain(
        `${GENAI_PRICES_DATASET}, data of ${GENAI_PRICES_DATE}`,
      );

      // A call the hub priced: its entry, dataset and date in the span panel.
      const trace = await open(`/traces/${HUB_PRICED_TRACE}`);
      await trace.locator('.wf-row', { hasText: 'chat gpt-4o' }).click();
      const panel = trace.getByTestId('span-panel');
      await expect
        .poll(() => panel.getByTestId('span-price').textContent())
        .toBe(`openai/gpt-4o · ${GENAI_PRICES_DATASET} · data of ${GENAI_PRICES_DATE}`);
      expect(await panel.getByTestId('span-cost').textContent()).toBe(formatUsd(gpt4o?.costUsd ?? -1));

      // A cost the app set itself says so.
      const chat = await api<TracesResponse>(full, '/api/traces?window=1h&agent=ChatAgent&status=ok');
      await trace.goto(`${full.url}/traces/${chat.traces[0]?.traceId}`);
      await trace.locator('.wf-row', { hasText: 'chat gpt-4o-mini' }).click();
      await expect
        .poll(() => trace.getByTestId('span-panel').getByTestId('span-price').textContent())
        .toBe('cost reported by the span itself');
      await trace.close();
      await page.close();
    });

    it('counts the runs in flight on the agents page and marks a stuck one', async () => {
      const report = await api<ReportResponse>(big, '/api/report?window=1h');
      const busy = report.agents.find((a) => a.name === 'BusyAgent');
      expect(busy).toMatchObject({ requests: 0, inFlight: 1 });
      expect(busy?.oldestInFlightSeconds).toBeGreaterThanOrEqual(40);
      const page = await open('/agents', big);
      const row = page
        .locator('table[aria-label="Agents"] tbody tr')
        .filter({ has: page.getByRole('link', { name: 'BusyAgent', exact: true }) });
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.locator('td').last().textContent()).toBe('1 · stuck');

      // Finished runs show none in flight.
      const full1h = await open('/agents');
      const chat = full1h
        .locator('table[aria-label="Agents"] tbody tr')
        .filter({ has: full1h.getByRole('link', { name: 'ChatAgent', exact: true }) });
      await expect.poll(() => chat.count()).toBe(1);
      expect(await chat.locator('td').last().textContent()).toBe('0');
      await full1h.close();
      await page.close();
    });

    it("shows the hub's ingest rate and each service sending data with its own health", async () => {
      const page = await open('/health', big);
      const { services } = await api<{ services: { name: string }[] }>(big, '/api/services');
      const rows = page.locator('table[aria-label="Services"] tbody tr');
      await expect.poll(() => rows.count()).toBe(services.length);
      const busy = await api<ReportResponse>(big, '/api/report?window=15m&service=busy-service');
      const busyRow = rows.filter({ hasText: 'busy-service' });
      expect(await busyRow.getByTestId('service-health').textContent()).toBe(busy.health.status);
      // The rate is measured between two refreshes: spans sent between them show.
      const rate = page.getByTestId('health-rate');
      await expect.poll(() => rate.textContent(), { timeout: 15_000 }).toBe('0/s spans');
      await sendOtherSdkModelCall(big.hub, 'f'.repeat(32));
      await expect.poll(() => rate.textContent(), { timeout: 15_000 }).toMatch(/^0\.[1-9]\/s spans$/);
      await page.close();
    }, 30_000);

    it('draws a 10 000-span trace by drawing only the rows in view', async () => {
      const page = await open(`/traces/${BIG_TRACE}`, big);
      const rows = page.locator('.wf-row');
      await rows.first().waitFor();
      // The scroll area is as tall as every row, while only the rows in view are drawn.
      expect(await page.getByTestId('waterfall-inner').getAttribute('style')).toContain(
        `height: ${10_000 * 26}px`,
      );
      expect(await rows.count()).toBeLessThan(100);
      // End goes to the last span, which is drawn once scrolled into view.
      await page.locator('.waterfall-rows').focus();
      await page.keyboard.press('End');
      await expect
        .poll(() => page.getByTestId('span-panel').locator('.span-title').textContent())
        .toBe('step 10000');
      await expect.poll(() => page.locator('.wf-row.selected').textContent()).toContain('step 10000');
      expect(await page.locator('.wf-row.selected').getAttribute('data-depth')).toBe('2');
      expect(await rows.count()).toBeLessThan(100);
      // Folding the root leaves one row.
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => rows.count()).toBe(1);
      await page.close();
    }, 30_000);

    it('polls while the tab is visible, stops while it is hidden, and refreshes on return', async () => {
      const page = await open('/');
      await page.getByTestId('overview-requests').waitFor();
      const calls: number[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname.startsWith('/api/')) calls.push(Date.now());
      });
      const setHidden = (hidden: boolean) =>
        page.evaluate((value) => {
          // Runs in the page; typed loosely because this file is type-checked without the DOM.
          const document = (globalThis as unknown as { document: EventTarget }).document;
          Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
          Object.defineProperty(document, 'visibilityState', {
            configurable: true,
            get: () => (value ? 'hidden' : 'visible'),
          });
          document.dispatchEvent(new Event('visibilitychange'));
        }, hidden);
      // Visible: the next poll comes within POLL_MS (5 s).
      await expect.poll(() => calls.length, { timeout: 7_000 }).toBeGreaterThan(0);
      await setHidden(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const hiddenAt = calls.length;
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(calls.length).toBe(hiddenAt);
      await setHidden(false);
      await expect.poll(() => calls.length, { timeout: 1_000 }).toBeGreaterThan(hiddenAt);
      await page.close();
    }, 20_000);

    it("shows on an agent's page the tools and models its runs used, as the API counts them", async () => {
      const models = await api<StatsResponse<'models'>>(full, '/api/stats/models?window=1h&agent=ChatAgent');
      expect(models.groups.map((g) => [g.name, g.requests])).toEqual([['gpt-4o-mini', 3]]);
      const chat = await open('/agents/ChatAgent');
      const chatModels = chat.getByTestId('agent-models');
      await expect.poll(() => chatModels.textContent()).toContain('gpt-4o-mini');
      expect(await chatModels.locator('tbody tr').count()).toBe(1);
      expect(await chatModels.locator('tbody tr').textContent()).toContain(
        formatUsd(models.groups[0]?.costUsd ?? -1),
      );
      expect(await chat.getByTestId('agent-tools').textContent()).toContain('No tool calls');
      await chat.close();
      const code = await open('/agents/CodeAgent');
      const codeTools = code.getByTestId('agent-tools');
      await expect.poll(() => codeTools.textContent()).toContain('code_exec');
      expect(await codeTools.locator('tbody tr').textContent()).toContain(formatPercent(0));
      expect(await code.getByTestId('agent-models').textContent()).toContain('No model calls');
      await code.close();
    });

    it('teaches how to send data when the hub is empty', async () => {
      const page = await open('/', empty);
      const state = page.getByTestId('empty-state');
      await state.waitFor();
      const status = await api<HubStatusResponse>(empty, '/api/hub');
      const text = (await state.textContent()) ?? '';
      expect(text).toContain('createAgentlens');
      expect(text).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=${status.listeners.http}`);
      await page.close();
    });

    it('asks once for the token of a protected hub and keeps it for the tab', async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await open('/', guarded, ctx);
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByLabel('Token').fill('wrong-token');
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => dialog.textContent()).toContain('refused');
      await dialog.getByLabel('Token').fill(TOKEN);
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('empty-state').waitFor();
      expect(await page.getByRole('dialog').count()).toBe(0);
      await page.reload();
      await page.getByTestId('empty-state').waitFor();
      expect(await page.getByRole('dialog').count()).toBe(0);
      await ctx.close();
    });

    it('saves a screenshot of every page, light and dark', async () => {
      const traces = await api<TracesResponse>(full, '/api/traces?window=1h&agent=ChatAgent&status=error');
      const failedTrace = traces.traces[0]?.traceId ?? '';
      const pages: [string, string, Served][] = [
        ['overview', '/', full],
        ['agents', '/agents', full],
        ['agent', '/agents/ChatAgent', full],
        ['models', '/models', full],
        ['tools', '/tools', full],
        ['traces', '/traces', full],
        ['trace', `/traces/${failedTrace}`, full],
        ['logs', '/logs', full],
        ['health', '/health', full],
        ['big-trace', `/traces/${BIG_TRACE}`, big],
        ['empty', '/', empty],
        ['token', '/', guarded],
      ];
      for (const scheme of ['light', 'dark'] as const) {
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
        for (const [name, path, served] of pages) {
          const page = await open(path, served, ctx);
          // Drawn: the first answer is in (no "Loading…") and the page shows something.
          await page.locator('.page, .empty, .dialog, .nothing').first().waitFor();
          await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
          await page.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`) });
          expect((page as Page & { failures?: string[] }).failures, `${name} ${scheme}`).toEqual([]);
          await page.close();
        }
        await ctx.close();
      }
      expect(existsSync(join(SHOTS, 'trace-dark.png'))).toBe(true);
    }, 60_000);
  },
);

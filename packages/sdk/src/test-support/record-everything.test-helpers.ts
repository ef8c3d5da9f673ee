import type { Agentlens } from '../agentlens.js';

/**
 * Records at least one value into every metric family of the catalog, the way an app would. With
 * `overflowAfter` (the instance's series cap) it also pushes one family past its cap, so the
 * overflow series and its counter appear.
 */
export function recordEveryFamily(agentlens: Agentlens, overflowAfter?: number): void {
  for (let i = 0; overflowAfter !== undefined && i <= overflowAfter; i++) {
    agentlens.recordCacheOperation({ cacheName: `tenant_${i}`, operation: 'get', result: 'hit' });
  }
  agentlens.recordAgentRequest({
    agentName: 'ChatAgent',
    success: true,
    responseTime: 1.2,
    tokens: 250,
    cost: 0.05,
  });
  agentlens.recordAgentRequest({
    agentName: 'ChatAgent',
    success: false,
    responseTime: 0.4,
    errorType: 'TimeoutError',
  });
  agentlens.startAgentRequest('CodeAgent');
  agentlens.conversationStarted();
  agentlens.conversationStarted();
  agentlens.conversationEnded({ agentName: 'ChatAgent', messages: 12 });
  agentlens.recordToolUsage({
    toolName: 'web_search',
    agentName: 'ResearchAgent',
    success: true,
    executionTime: 0.8,
  });
  agentlens.recordToolUsage({
    toolName: 'code_exec',
    agentName: 'CodeAgent',
    success: false,
    executionTime: 3,
    errorMessage: 'sandbox timed out',
  });
  agentlens.recordModelCall({
    provider: 'openai',
    model: 'gpt-4o',
    status: 'success',
    duration: 0.9,
    inputTokens: 1200,
    outputTokens: 300,
    cachedInputTokens: 800,
    cacheWriteTokens: 100,
    reasoningTokens: 50,
    cost: 0.0061,
  });
  agentlens.recordModelCall({
    provider: 'anthropic',
    model: 'claude-x',
    status: 'rate_limited',
    duration: 0.1,
  });
  agentlens.recordModelCall({
    provider: 'local',
    model: 'llama',
    status: 'success',
    duration: 2,
    inputTokens: 10,
  });
  agentlens.recordError({
    component: 'DataProcessor',
    errorType: 'ValidationError',
    errorMessage: 'Invalid input format',
    context: { input_size: 1000 },
  });
  agentlens.recordWorkflowExecution({ workflowName: 'research_workflow', status: 'success', duration: 15.5 });
  agentlens.recordWorkflowNode({
    workflowName: 'research_workflow',
    nodeName: 'analyze_query',
    status: 'success',
    duration: 2,
  });
  agentlens.recordErrorRecovery({ strategy: 'exponential_backoff', recovered: true });
  agentlens.recordHumanReviewRequested({ workflowName: 'research_workflow', reason: 'quality_check' });
  agentlens.recordHumanReviewCompleted({
    workflowName: 'research_workflow',
    decision: 'approved',
    duration: 120,
  });
  agentlens.recordHumanReviewRequested({ workflowName: 'research_workflow', reason: 'low_confidence' });
  agentlens.recordRoutingDecision({ route: 'research', confidence: 0.82 });
  agentlens.recordCacheOperation({ cacheName: 'semantic', operation: 'get', result: 'hit', duration: 0.002 });
  agentlens.recordCacheOperation({
    cacheName: 'semantic',
    operation: 'get',
    result: 'miss',
    duration: 0.004,
  });
  agentlens.recordHttpRequest({ method: 'post', route: '/api/chat', status: 200, duration: 1.3 });
  agentlens.adjustHttpRequestsInFlight(1);
  agentlens.recordRateLimitRejection('api');
  agentlens.recordDbQuery({
    dbSystem: 'postgresql',
    queryType: 'user_by_id',
    success: true,
    duration: 0.004,
  });
  agentlens.recordDbQuery({
    dbSystem: 'postgresql',
    queryType: 'content_list',
    success: false,
    duration: 0.2,
    errorType: 'QueryCanceled',
  });
  agentlens.setDbConnections('postgresql', 'active', 4);
  agentlens.recordVectorStoreOperation({
    store: 'pgvector',
    operation: 'query',
    success: true,
    duration: 0.03,
  });
  agentlens.recordWebSocketMessage({ direction: 'inbound', messageType: 'chat' });
  agentlens.setWebSocketConnections(3);
  agentlens.recordSecurityEvent({ type: 'failed_login', reason: 'bad_password' });
  agentlens.recordSecurityEvent({ type: 'suspicious_request', reason: 'sql_injection' });
  agentlens.setActiveSessions(7);
  agentlens.setActiveConnections('websocket', 3);
  agentlens.recordAgentRequest({ agentName: 'ChatAgent', success: true, responseTime: Number.NaN });
}

/** The hub's version, as `GET /api/hub` and `agentlens_hub_build_info` report it. */
export const HUB_VERSION = '0.1.0';

/** The command's version, as `agentlens --version` prints it (the package.json version). */
export const VERSION = '0.1.0';

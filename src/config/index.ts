// The process's configuration: the environment (env.ts) and audit-bot.yml (file.ts).

export * from './env.js';
export * from './file.js';

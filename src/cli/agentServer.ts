import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAgentControlApp } from '../../http/agentControlApp.ts';
import { AgentService } from '../agent/agentService.ts';
import type { AgentConfig } from '../agent/config.ts';
import { PATCHBAY_VERSION } from './providerServer.ts';

/** What `patchbay agent` runs with. */
export interface AgentServerOptions {
  dataDir: string;
  config: AgentConfig;
  /** Shifts the agent's clock (see docs/agent.md, "Testing windows"). */
  clockOffsetMs?: number;
  log?: (line: string) => void;
}

/** A running agent: the service and its control API. */
export interface RunningAgent {
  service: AgentService;
  server: Server;
  /** The control API's base URL, e.g. `http://127.0.0.1:8094`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the agent service and serves its control API on `config.control` (127.0.0.1:8094 unless
 * configured; port 0 picks a free one).
 *
 * @example const agent = await startAgentServer({ dataDir, config }); … await agent.close()
 */
export async function startAgentServer(options: AgentServerOptions): Promise<RunningAgent> {
  const service = await AgentService.open({
    dataDir: options.dataDir,
    config: options.config,
    clockOffsetMs: options.clockOffsetMs,
    agentVersion: PATCHBAY_VERSION,
    log: options.log,
  });
  const app = createAgentControlApp(service);
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(options.config.control.port, options.config.control.host, () =>
        resolve(listening),
      );
      listening.once('error', reject);
    });
  } catch (error) {
    await service.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    service,
    server,
    url: `http://${options.config.control.host}:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
    },
  };
}

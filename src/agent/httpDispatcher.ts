import { Agent, type Dispatcher, ProxyAgent } from 'undici';

/** The proxy part of the agent config. */
export interface ProxySettings {
  url: string;
  user?: string;
  password?: string;
}

/**
 * The undici dispatcher every agent request goes through: a ProxyAgent (with Basic
 * Proxy-Authorization when a user is set) when a proxy is configured, else a plain Agent.
 * `timeoutMs` bounds the wait for headers and between body chunks (the manual's SendTimeout).
 *
 * @example await request(url, { dispatcher: createDispatcher(config.proxy, config.sendTimeoutMs) })
 */
export function createDispatcher(proxy: ProxySettings | undefined, timeoutMs: number): Dispatcher {
  const timeouts = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  if (!proxy) return new Agent(timeouts);
  const token =
    proxy.user === undefined
      ? undefined
      : `Basic ${Buffer.from(`${proxy.user}:${proxy.password ?? ''}`).toString('base64')}`;
  return new ProxyAgent({ uri: proxy.url, token, ...timeouts });
}

import type { Context } from 'koa';
import { type AgentIdentity, ENROLLMENT_HEADER } from '../../src/provider/agentIdentity.ts';
import type { AgentCaller } from '../routes/agentRoutes.ts';

function enrollmentKeyOf(ctx: Context, rawBody: unknown): string | undefined {
  const header = ctx.get(ENROLLMENT_HEADER);
  if (header !== '') return header;
  const field = (rawBody as { enrollmentKey?: unknown } | null)?.enrollmentKey;
  return typeof field === 'string' ? field : undefined;
}

/**
 * The agent routes' `identifyAgent` hook on top of {@link AgentIdentity}: a check-in must carry
 * `Authorization: Machine <id>:<secret>`, or — for a machine id never enrolled — the enrollment key
 * (`X-Patchbay-Enrollment` header or the body's `enrollmentKey`), in which case the reply carries
 * the new `machineSecret`. Events need the secret. Anything else is 401 UNAUTHENTICATED.
 *
 * @example createAgentRouter({ fleet, identifyAgent: identifyAgentWith(identity) })
 */
export function identifyAgentWith(identity: AgentIdentity) {
  return async (
    ctx: Context,
    claimedId: string,
    route: 'checkin' | 'events',
    rawBody: unknown,
  ): Promise<AgentCaller> => {
    const authorization = ctx.get('authorization') || undefined;
    if (route === 'events') {
      await identity.authenticate(claimedId, authorization);
      return { machineId: claimedId };
    }
    const result = await identity.identify(claimedId, {
      authorization,
      enrollmentKey: enrollmentKeyOf(ctx, rawBody),
    });
    return { machineId: result.machineId, machineSecret: result.issuedSecret };
  };
}

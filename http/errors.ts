import type { Middleware } from 'koa';
import { ZodError } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../src/domain/errorCodes.ts';
import { PatchbayError } from '../src/domain/PatchbayError.ts';

/** The error envelope of API.md. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE',
};

/** Turns any thrown value into a status and the envelope, exposing only messages meant for clients. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorEnvelope } {
  if (error instanceof PatchbayError) {
    const body: ErrorEnvelope = { error: { code: error.code, message: error.message } };
    if (error.details) body.error.details = error.details;
    return { status: ERROR_CODES[error.code].status, body };
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.join('.') || '(body)';
    return {
      status: 400,
      body: {
        error: {
          code: 'INVALID_REQUEST',
          message: `${field}: ${issue?.message ?? 'invalid'}`,
          details: {
            field,
            issues: error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
        },
      },
    };
  }
  const status = (error as { status?: number; expose?: boolean }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = STATUS_CODES[status] ?? 'INVALID_REQUEST';
    const message = (error as { expose?: boolean }).expose
      ? (error as Error).message
      : ERROR_CODES[code].meaning;
    return { status, body: { error: { code, message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}

/**
 * The one error middleware: every error becomes `{ error: { code, message, details? } }` with the
 * status of its code; unexpected ones are logged and answered 500 INTERNAL with no stack. A request
 * that matched no route is 404 NOT_FOUND in the same envelope.
 */
export function errorMiddleware(log: (message: string, error: unknown) => void = defaultLog): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'NOT_FOUND', message: `no route for ${ctx.method} ${ctx.path}` } };
      }
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      if (status >= 500) log(`${ctx.method} ${ctx.path} failed`, error);
      ctx.status = status;
      ctx.body = body;
      if (status === 401) ctx.set('WWW-Authenticate', 'Bearer');
    }
  };
}

function defaultLog(message: string, error: unknown): void {
  console.error(message, error);
}

/**
 * Every stable error code Patchbay answers with, its HTTP status, and what it means.
 * The README's error table is checked against this list by a test, so the two never drift.
 *
 * @example ERROR_CODES.UPDATE_IN_USE.status // 409
 */
export const ERROR_CODES = {
  INVALID_REQUEST: {
    status: 400,
    meaning: 'A body, query, header or manifest field is missing or malformed.',
  },
  INVALID_VERSION: { status: 400, meaning: 'A version is not of the form MM.mm.PP.BB.' },
  INVALID_MANIFEST: { status: 400, meaning: 'A package manifest fails validation.' },
  UNAUTHENTICATED: { status: 401, meaning: 'No valid token, session or machine secret was presented.' },
  FORBIDDEN: { status: 403, meaning: 'The caller is known but may not do this.' },
  NOT_FOUND: { status: 404, meaning: 'No route matches the path.' },
  UPDATE_NOT_FOUND: { status: 404, meaning: 'No update has this id.' },
  MACHINE_NOT_FOUND: { status: 404, meaning: 'No machine has this id.' },
  GROUP_NOT_FOUND: { status: 404, meaning: 'No group has this id.' },
  FOLDER_NOT_FOUND: { status: 404, meaning: 'No update folder has this id.' },
  USER_NOT_FOUND: { status: 404, meaning: 'No authorized user has this name.' },
  ACTOR_NOT_FOUND: { status: 404, meaning: 'No live or persisted actor has this kind and id.' },
  CONTENT_NOT_FOUND: { status: 404, meaning: 'No content is stored under this SHA-256.' },
  UPDATE_INVALID_TRANSITION: { status: 409, meaning: 'The update lifecycle refuses this state change.' },
  UPDATE_IN_USE: { status: 409, meaning: 'The update is GA or Remove and cannot be deleted.' },
  UPDATE_DUPLICATE: {
    status: 409,
    meaning: 'An update with the same content and version is already in the catalog.',
  },
  USER_EXISTS: { status: 409, meaning: 'An authorized user with this name already exists.' },
  USER_PROTECTED: { status: 409, meaning: 'The last authorized user cannot be removed.' },
  GROUP_PROTECTED: { status: 409, meaning: 'The default group cannot be deleted.' },
  GROUP_EXISTS: { status: 409, meaning: 'A group with this id or name already exists.' },
  SETTINGS_LOCKED: {
    status: 409,
    meaning: 'Settings are locked by a group, or the agent is checking or applying.',
  },
  AGENT_BUSY: { status: 409, meaning: 'The agent cannot do this in its current state.' },
  CONTENT_HASH_MISMATCH: { status: 422, meaning: 'The bytes do not match the declared SHA-256.' },
  SIGNATURE_MISSING: {
    status: 422,
    meaning: 'Signature verification is on and the package has no signature.',
  },
  SIGNATURE_INVALID: { status: 422, meaning: 'The package signature does not verify with any trusted key.' },
  SIGNING_KEY_INVALID: {
    status: 400,
    meaning: 'A signing or trusted key is not an Ed25519 key in PEM form.',
  },
  LICENSE_INVALID: {
    status: 400,
    meaning: 'The license is malformed or its signature fails the license key.',
  },
  BODY_TOO_LARGE: { status: 413, meaning: 'The request body exceeds the route limit.' },
  MESSAGE_TOO_LARGE: { status: 413, meaning: 'A message exceeds the configured maximum message size.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The Content-Type is not accepted by this route.' },
  RANGE_NOT_SATISFIABLE: { status: 416, meaning: 'The requested byte range lies outside the content.' },
  METHOD_NOT_ALLOWED: { status: 405, meaning: 'The path exists but does not accept this method.' },
  REQUEST_TIMEOUT: {
    status: 408,
    meaning: 'The request was not received or handled within the send timeout.',
  },
  CONFIG_INVALID: {
    status: 400,
    meaning: 'A configuration file or setting is invalid; the message names the key.',
  },
  INSTALL_FAILED: { status: 500, meaning: 'An installer ran and reported failure (see the install log).' },
  INSTALL_INTERRUPTED: {
    status: 500,
    meaning: 'An install was running when the agent stopped; its result is unknown until checked.',
  },
  ARCHIVE_UNSAFE: {
    status: 422,
    meaning: 'A package archive holds an absolute path, a `..` segment or a link leaving its folder.',
  },
  PROVIDER_UNAVAILABLE: {
    status: 502,
    meaning: 'A provider did not answer, or answered with an error or a malformed reply.',
  },
  TASK_CANCELLED: { status: 409, meaning: 'A queued download or install was cancelled before it ran.' },
  DOWNLOAD_FAILED: { status: 502, meaning: 'No source URL delivered the content (after retries).' },
  STORE_NOT_OPEN: { status: 503, meaning: 'The store is closed or not yet open.' },
  ACTOR_FAILED: { status: 500, meaning: 'An actor failed while handling an event; it was contained.' },
  INTERNAL: { status: 500, meaning: 'An unexpected server fault (details are logged, never returned).' },
} as const satisfies Record<string, { status: number; meaning: string }>;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The four lifecycle states of an update, as the manual names them. */
export const UPDATE_STATES = ['PreApproval', 'Inactive', 'GA', 'Remove'] as const;
/** One lifecycle state of an update. */
export type UpdateState = (typeof UPDATE_STATES)[number];

/** What an update package does on a machine. */
export const INSTALL_TYPES = ['Install', 'Patch', 'ES'] as const;
/** Install (a release), Patch (on a release) or ES (an engineering special on a patch). */
export type InstallType = (typeof INSTALL_TYPES)[number];

/** The metadata a package declares about itself (its manifest), before it is in the catalog. */
export interface UpdateManifest {
  application: string;
  productLine: string;
  release: string;
  patch: string;
  installType: InstallType;
  version: string;
  upgradeCode: string;
  productCode: string;
  installProperties: Record<string, string>;
  documentationUrl?: string;
  /** When present, the uploaded bytes must hash to this. */
  sha256?: string;
}

/** An update in the catalog: the shape of API.md. */
export interface Update extends Omit<UpdateManifest, 'sha256'> {
  id: string;
  fileName: string;
  size: number;
  sha256: string;
  signed: boolean;
  /** The verified detached Ed25519 signature over the SHA-256 digest, base64 (absent when unsigned). */
  signature?: string;
  state: UpdateState;
  highPriority: boolean;
  insertedAt: string;
  relatedInstalls: string[];
  activations: number;
}

/** True when `value` names a lifecycle state. */
export function isUpdateState(value: unknown): value is UpdateState {
  return typeof value === 'string' && (UPDATE_STATES as readonly string[]).includes(value);
}

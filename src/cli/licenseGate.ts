import { type License, licenseGate } from '../domain/license.ts';
import type { ProviderConfig } from '../provider/ProviderConfig.ts';

/** How often the gate is re-evaluated, so a license expiring while the provider runs takes effect. */
const RECHECK_MS = 60 * 60_000;

/**
 * Applies the entitlement gate of `license` to the provider's plan policy now and every hour after
 * (expiry); returns a function that stops the hourly check. Without a license nothing is gated.
 *
 * @example const stop = applyLicenseGate(fleet.config, license); … stop()
 */
export function applyLicenseGate(
  config: ProviderConfig,
  license: License | undefined,
  now: () => Date = () => new Date(),
): () => void {
  config.setLicenseGate(licenseGate(license, now()));
  if (license?.expires === undefined) return () => {};
  const timer = setInterval(() => config.setLicenseGate(licenseGate(license, now())), RECHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

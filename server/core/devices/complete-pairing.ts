import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { device, pairing } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { recordAudit } from '@/server/core/audit/record-audit';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError, badRequest } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import type { Services } from '@/server/services';
import { DEVICE_NAME_MAX_CHARS, type PairedDevice } from './device-dto';
import { issueDeviceTokens } from './device-tokens';

export interface CompletePairingInput {
  pairCode: string;
  /** base64url of the raw 32-byte ed25519 public key. */
  publicKey: string;
  /** base64url of the 64-byte ed25519 signature over the exact challenge string. */
  signature: string;
  deviceName?: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** One answer for an unknown, used or expired code: which of them it was helps only a guesser. */
const invalidPairCode = () => badRequest('invalid, used or expired pair code', 'pair_code');

function decodeBase64url(value: string, bytes: number, field: string): Buffer {
  const decoded = BASE64URL.test(value) ? Buffer.from(value, 'base64url') : Buffer.alloc(0);
  if (decoded.length !== bytes) throw badRequest(`must be base64url of exactly ${bytes} bytes`, field);
  return decoded;
}

function ed25519Key(raw: Buffer): KeyObject {
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    throw badRequest('is not an ed25519 public key', 'public_key');
  }
}

/** `elix1` + the first 40 hex digits of sha256(public key bytes). */
export function deviceAddressOf(publicKey: Buffer): string {
  return `elix1${createHash('sha256').update(publicKey).digest('hex').slice(0, 40)}`;
}

function deviceName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.trim();
  if (!name) return undefined;
  if (name.length > DEVICE_NAME_MAX_CHARS) throw badRequest(`must be at most ${DEVICE_NAME_MAX_CHARS} characters`, 'device_name');
  return name;
}

/**
 * Completes a pairing (no credential needed: the pair code and the signature are the proof). The
 * device becomes its own principal acting for the owner who started the pairing, with the
 * pairing's permissions, and gets its first access/refresh pair (a new token family).
 *
 * A pair code works once, inside its lifetime; every refusal is a 400 naming the field at fault.
 * Pairing a key again (same owner, device not revoked) renews its permissions and name and starts
 * another token family; a revoked device's key stays refused (revocation is for a key that may have
 * leaked: pair a new key instead), and a key paired to another owner is refused too.
 */
export async function completePairing(deps: Pick<Services, 'db' | 'bus' | 'secrets'>, _caller: Principal | null, input: CompletePairingInput): Promise<PairedDevice> {
  if (!input.pairCode) throw invalidPairCode();
  const publicKey = decodeBase64url(input.publicKey, 32, 'public_key');
  const signature = decodeBase64url(input.signature, 64, 'signature');
  const key = ed25519Key(publicKey);
  const address = deviceAddressOf(publicKey);
  const name = deviceName(input.deviceName);
  const codeHash = deps.secrets.hashToken(input.pairCode);

  const [found] = await deps.db.select().from(pairing).where(eq(pairing.codeHash, codeHash)).limit(1);
  if (!found || found.completedAt || found.expiresAt.getTime() <= Date.now()) throw invalidPairCode();
  if (!verify(null, Buffer.from(found.challenge, 'utf8'), key, signature)) {
    throw badRequest('does not verify: sign the exact challenge string with the key sent as public_key', 'signature');
  }

  const publicKeyText = publicKey.toString('base64url');
  return inTransaction(deps, async (tx) => {
    // Claimed in the same statement that checks it is unclaimed: of two racing completions, one wins.
    const [claimed] = await tx
      .update(pairing)
      .set({ completedAt: new Date(), deviceAddress: address })
      .where(and(eq(pairing.id, found.id), isNull(pairing.completedAt), gt(pairing.expiresAt, new Date())))
      .returning({ id: pairing.id });
    if (!claimed) throw invalidPairCode();

    const [existing] = await tx.select().from(device).where(eq(device.address, address)).for('update').limit(1);
    let finalName: string;
    if (existing) {
      if (existing.revokedAt) throw badRequest('this key belongs to a revoked device; pair a new key', 'public_key');
      if (existing.ownerId !== found.ownerId) throw new AppError('BAD_REQUEST', 'public_key: this key is paired to another owner', { field: 'public_key', code: 'DEVICE_OWNED_ELSEWHERE' });
      finalName = name ?? existing.name;
      await tx.update(device).set({ name: finalName, permissions: found.permissions, lastSeenAt: new Date() }).where(eq(device.address, address));
    } else {
      finalName = name ?? `device ${address.slice(0, 13)}`;
      await tx.insert(device).values({
        address,
        name: finalName,
        publicKey: publicKeyText,
        permissions: found.permissions,
        ownerId: found.ownerId,
        pairedBy: found.createdBy,
        lastSeenAt: new Date(),
      });
    }
    const tokens = await issueDeviceTokens(deps, tx, { address, permissions: found.permissions }, newId('dfam'));
    await recordAudit(tx, { kind: 'device', id: address, ownerId: found.ownerId }, 'device.paired', {
      kind: 'device',
      id: address,
      detail: { name: finalName, permissions: found.permissions, startedBy: found.createdBy, again: !!existing },
    });
    return { ...tokens, publicKey: publicKeyText, deviceName: finalName };
  });
}

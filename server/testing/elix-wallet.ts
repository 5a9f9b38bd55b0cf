/**
 * An EchoHelix wallet as a client holds one: an ed25519 key pair made with node:crypto, which pairs
 * with the server by signing the challenge and then keeps its access/refresh tokens.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { TestServer } from './harness';

export interface Wallet {
  publicKey: string;
  privateKey: KeyObject;
  /** base64url of an ed25519 signature over `text`. */
  sign(text: string): string;
}

export function newWallet(): Wallet {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  return { publicKey: x, privateKey, sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64url') };
}

export interface PairStart {
  pair_code: string;
  challenge: string;
  permissions: string[];
  expires_at: string;
  elix_uri: string;
  pair_version: string;
}

export interface PairedTokens {
  address: string;
  public_key: string;
  device_name: string;
  scopes: string[];
  access_token: string;
  refresh_token: string;
  expires_at: string;
  refresh_expires_at: string;
}

export async function startPairing(s: TestServer, token: string, body: Record<string, unknown> = {}, base = ''): Promise<PairStart> {
  const res = await s.fetch(`${base}/api/v3/pair/start`, { method: 'POST', token, json: body });
  if (res.status !== 200) throw new Error(`pair/start answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as PairStart;
}

export function completePairing(s: TestServer, body: Record<string, unknown>, base = ''): Promise<Response> {
  return s.fetch(`${base}/api/v3/pair/complete`, { method: 'POST', json: body });
}

/** Pairs a new wallet (or the one given) with a pairing `token` starts; returns the wallet and its tokens. */
export async function pairDevice(
  s: TestServer,
  token: string,
  opts: { wallet?: Wallet; permissions?: string[]; name?: string; base?: string } = {},
): Promise<{ wallet: Wallet; tokens: PairedTokens }> {
  const wallet = opts.wallet ?? newWallet();
  const started = await startPairing(s, token, opts.permissions ? { permissions: opts.permissions } : {}, opts.base);
  const res = await completePairing(
    s,
    { pair_code: started.pair_code, public_key: wallet.publicKey, signature: wallet.sign(started.challenge), ...(opts.name ? { device_name: opts.name } : {}) },
    opts.base,
  );
  if (res.status !== 200) throw new Error(`pair/complete answered ${res.status}: ${await res.text()}`);
  return { wallet, tokens: (await res.json()) as PairedTokens };
}

export function refresh(s: TestServer, refreshToken: string, base = ''): Promise<Response> {
  return s.fetch(`${base}/api/v3/session/refresh`, { method: 'POST', json: { refresh_token: refreshToken } });
}

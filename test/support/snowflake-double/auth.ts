// SPDX-License-Identifier: Apache-2.0
// Part of the Snowflake test double (see server.ts): the users it knows and the check of a
// key-pair login's JWT (RS256, issuer ACCOUNT.USER.SHA256:<public key fingerprint>).
import { createHash, createPublicKey, verify } from 'node:crypto';

export interface DoubleUser {
  name: string;
  /** Accepts password logins with exactly this password. */
  password?: string;
  /** Accepts key-pair logins signed by the matching private key (PEM, SPKI). */
  publicKeyPem?: string;
}

/** True when `token` is a JWT for `user` on `account` signed by the user's key. */
export function checkJwt(token: string, account: string, user: DoubleUser): boolean {
  if (user.publicKeyPem === undefined) return false;
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const [header, payload, signature] = parts;

  const key = createPublicKey(user.publicKeyPem);
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    key,
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return false;

  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const der = key.export({ format: 'der', type: 'spki' });
  const fingerprint = 'SHA256:' + createHash('sha256').update(der).digest('base64');
  const subject = `${account.toUpperCase()}.${user.name.toUpperCase()}`;
  return claims.sub === subject && claims.iss === `${subject}.${fingerprint}`;
}

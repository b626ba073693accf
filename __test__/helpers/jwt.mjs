// An independent HS256 check with node:crypto, so tests do not trust the SDK to verify itself.
import crypto from 'node:crypto'

export function scopedKey(secret, purpose) {
  return crypto.createHmac('sha256', secret).update(`ethora:${purpose}:v1`).digest('hex')
}

/** Returns the claims when `token` is an HS256 JWT signed with `key`, else throws. */
export function verifyHs256(token, key) {
  const [header, claims, signature] = token.split('.')
  const expected = crypto.createHmac('sha256', key).update(`${header}.${claims}`).digest('base64url')
  if (expected !== signature) throw new Error('signature mismatch')
  const decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))
  if (decodedHeader.alg !== 'HS256' || decodedHeader.typ !== 'JWT') throw new Error('bad header')
  return JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'))
}

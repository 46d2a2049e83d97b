import { describe, expect, it } from 'vitest';
import {
  hmacSha1Signature,
  percentEncode,
  signatureBaseString,
  verifyOAuthRequest,
} from '../../support/x-emulator-oauth.ts';

/**
 * The X emulator's OAuth 1.0a check, against the worked example in X's
 * "Creating a signature" documentation (the same request, keys and result).
 */

const consumerSecret = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';
const tokenSecret = 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE';
const url = 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true';
const oauth: [string, string][] = [
  ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
  ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
  ['oauth_signature_method', 'HMAC-SHA1'],
  ['oauth_timestamp', '1318622958'],
  ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
  ['oauth_version', '1.0'],
];
const status: [string, string] = ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'];
const EXPECTED = 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=';

function header(signature: string): string {
  const all = [...oauth, ['oauth_signature', signature]];
  return `OAuth ${all.map(([k, v]) => `${percentEncode(k ?? '')}="${percentEncode(v ?? '')}"`).join(', ')}`;
}

const secretsFor = (key: string) => (key === 'xvz1evFS4wEEPTGEFPHBog' ? { consumerSecret, tokenSecret } : undefined);

describe('X OAuth 1.0a signatures (emulator)', () => {
  it("builds X's documented signature base string and signature", () => {
    const base = signatureBaseString('POST', url, [['include_entities', 'true'], status, ...oauth]);
    expect(base).toBe(
      'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    );
    expect(hmacSha1Signature(base, consumerSecret, tokenSecret)).toBe(EXPECTED);
  });

  it('accepts the documented request, with its form body and query in the signature', () => {
    const check = verifyOAuthRequest(
      { method: 'POST', url, authorization: header(EXPECTED), formParams: [status] },
      secretsFor,
    );
    expect(check).toMatchObject({ ok: true, consumerKey: 'xvz1evFS4wEEPTGEFPHBog', timestamp: 1318622958 });
  });

  it('rejects a tampered body, query, method or signature, and an unknown key', () => {
    const request = { method: 'POST', url, authorization: header(EXPECTED), formParams: [status] };
    const tampered = [
      {
        ...request,
        formParams: [['status', 'Hello Ladies + Gentlemen, a forged OAuth request!']] as [string, string][],
      },
      { ...request, url: url.replace('include_entities=true', 'include_entities=false') },
      { ...request, method: 'GET' },
      { ...request, authorization: header('hCtSmYh+iHYCEqBWrE7C7hYmtUX=') },
      { ...request, authorization: undefined },
    ];
    for (const t of tampered) expect(verifyOAuthRequest(t, secretsFor)).toMatchObject({ ok: false });
    expect(verifyOAuthRequest(request, () => undefined)).toEqual({
      ok: false,
      reason: 'unknown consumer key or token',
    });
  });
});

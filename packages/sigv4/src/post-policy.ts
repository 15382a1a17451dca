import { amzDateToMillis } from './dates';
import { SigV4Error } from './errors';
import { parseCredential } from './parse-auth';
import { ALGORITHM } from './signing';
import type { ParsedAuth } from './types';

/** The signature fields of a browser form upload (POST policy), lower-case names as in the form. */
export interface PostPolicyFields {
  'x-amz-algorithm'?: string;
  'x-amz-credential'?: string;
  'x-amz-date'?: string;
  'x-amz-signature'?: string;
  policy?: string;
}

/**
 * Reads the SigV4 parameters of a POST policy form without verifying anything cryptographic. The
 * string to sign of a POST policy is the base64 policy document itself (postPolicyStringToSign),
 * signed with the same derived key as any SigV4 request. Errors carry S3's InvalidArgument shape.
 */
export function parsePostPolicyAuth(fields: PostPolicyFields): ParsedAuth {
  for (const name of ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature'] as const) {
    if (fields[name] === undefined) throw missingField(name);
  }
  const algorithm = fields['x-amz-algorithm']!;
  if (algorithm !== ALGORITHM) throw invalidField('x-amz-algorithm', algorithm, `X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const amzDate = fields['x-amz-date']!;
  if (amzDateToMillis(amzDate) === null) throw invalidField('x-amz-date', amzDate, `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  const credential = fields['x-amz-credential']!;
  const scope = parseCredential(credential, amzDate, (why) => invalidField('x-amz-credential', credential, `Error parsing the X-Amz-Credential parameter; ${why}`));
  return {
    kind: 'post-policy',
    ...scope,
    amzDate,
    signedHeaders: [],
    signature: fields['x-amz-signature']!,
    // The file part is covered by the policy's conditions, never by a payload hash.
    payloadHash: 'UNSIGNED-PAYLOAD',
    payloadMode: 'UNSIGNED-PAYLOAD',
  };
}

/** What a POST policy signature signs: the base64 policy exactly as the form carried it. */
export function postPolicyStringToSign(policyBase64: string): string {
  return policyBase64;
}

function missingField(name: string): SigV4Error {
  return new SigV4Error('InvalidArgument', `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, {
    ArgumentName: name,
    ArgumentValue: '',
  });
}

function invalidField(name: string, value: string, message: string): SigV4Error {
  return new SigV4Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: value });
}

/**
 * Customer Profiles GetProfileRecommendations as the AWS REST-JSON service:
 * POST /domains/{DomainName}/profiles/{ProfileId}/recommendations with a SigV4-signed
 * request. The real SDK is pointed here, so the signature on the wire is the SDK's own.
 */
import { fixture, reject, startStub, type Stub } from './stub-server.js';

export const AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** A ProfileId as the service makes them (API reference: pattern [a-f0-9]{32}). */
export const AWS_PROFILE = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
/** Profiles the stub does not know, answered the way the service does. */
export const AWS_UNKNOWN_PROFILE = 'ffffffffffffffffffffffffffffffff';

export const SIGV4 = /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/profile\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/;

export function startAwsStub(): Promise<Stub> {
  return startStub((request) => {
    const match = /^\/domains\/([^/]+)\/profiles\/([^/]+)\/recommendations$/.exec(request.path);
    if (request.method !== 'POST' || !match) return reject(404, `no route ${request.method} ${request.path}`);
    if (!SIGV4.test(String(request.headers.authorization ?? '')) || !request.headers['x-amz-date']) {
      return { status: 403, body: { message: 'Missing Authentication Token' }, headers: { 'x-amzn-errortype': 'AccessDeniedException' } };
    }
    // The service's input validation (API reference): RecommenderName required, MaxResults an integer 1..10,
    // Context a string-to-string map, values 1..255 characters.
    const invalid = (field: string) => ({
      status: 400,
      body: { Message: `1 validation error detected: Value at '${field}' failed to satisfy constraint` },
      headers: { 'x-amzn-errortype': 'BadRequestException' },
    });
    const input = JSON.parse(request.body) as { RecommenderName?: unknown; MaxResults?: unknown; Context?: Record<string, unknown> };
    if (typeof input.RecommenderName !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(input.RecommenderName)) return invalid('recommenderName');
    const max = input.MaxResults;
    if (max !== undefined && !(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= 10)) return invalid('maxResults');
    const context = input.Context ?? {};
    const long = Object.keys(context).find((key) => typeof context[key] !== 'string' || context[key].length < 1 || context[key].length > 255);
    if (long) return invalid(`context.${long}`);
    if (decodeURIComponent(match[2]!) === AWS_UNKNOWN_PROFILE) {
      return { status: 404, body: { Message: 'Profile not found' }, headers: { 'x-amzn-errortype': 'ResourceNotFoundException' } };
    }
    return { status: 200, body: fixture('aws/get-profile-recommendations.json') };
  });
}

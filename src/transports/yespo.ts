/**
 * Yespo contact recommendations: GET {endpoint}/api/v2/contacts/recoms/{dataSourceId}
 * with exactly one contact identifier. Built from ../shared/vendor-docs/yespo-contact-recoms.md.
 */
import * as z from 'zod/mini';
import type { RecsRequest } from '../model/types.js';
import { RecsFailure } from '../model/errors.js';
import type { RawItem } from '../model/clean-item.js';
import { basicAuthorization, parseEntries, vendorUrl, type VendorAdapter } from './adapter.js';

export const YESPO_DEFAULT_ENDPOINT = 'https://yespo.io';

/**
 * The identifiers we send, in the order we prefer them when a page sets several (webId is Yespo's advice for sites).
 * Yespo's document also takes email and phone, but only as query parameters of this GET (it has no POST form), and
 * the field contract keeps an e-mail or phone number out of every URL (access logs, CDN and proxy logs keep URLs):
 * they are never sent, in the browser or from the proxy (the same adapter); alone they are `invalid-request`.
 */
const YESPO_IDENTIFIERS = ['webId', 'contactId', 'externalCustomerId'] as const;

/** A proxy placement's `sourceId` fixes the data source (the recommendation type): it wins over the widget's. */
export interface YespoSettings {
  endpoint?: string | undefined;
  /** The API key, or `user:key`. */
  apiKey?: string | undefined;
  sourceId?: string | undefined;
}

// ---- request ---------------------------------------------------------------

function buildYespoRequest(request: RecsRequest, settings: YespoSettings) {
  const sourceId = settings.sourceId ?? request.sourceId;
  if (!sourceId || !/^\d+$/.test(sourceId)) {
    throw new RecsFailure('invalid-request', 'yespo: source-id must be the numeric data source id');
  }
  const identifier = YESPO_IDENTIFIERS.find((name) => request[name]);
  if (!identifier) {
    throw new RecsFailure('invalid-request', 'yespo: one of web-id, contact-id or external-customer-id is required (e-mail and phone would go in the URL)');
  }
  // The document types contactId as a Long: anything else is refused here, not by Yespo.
  if (identifier == 'contactId' && !/^\d{1,19}$/.test(request.contactId!)) {
    throw new RecsFailure('invalid-request', 'yespo: contact-id must be a numeric Yespo contact id');
  }
  const url = vendorUrl(settings.endpoint || YESPO_DEFAULT_ENDPOINT, `/api/v2/contacts/recoms/${sourceId}`);
  url.searchParams.set(identifier, String(request[identifier]));
  if (request.productIds?.length) url.searchParams.set('products', request.productIds.join(','));
  if (request.category?.length) url.searchParams.set('category', request.category.join(','));
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = settings.apiKey;
  // Yespo takes Basic auth with the API key as the password; "user:key" is passed as is.
  if (key) headers.authorization = basicAuthorization(key.includes(':') ? key : `recs-widget:${key}`);
  return { method: 'GET' as const, url: url.href, headers };
}

// ---- response schema ---------------------------------------------------------

const idLike = z.union([z.string(), z.number()]);

/** One recommended product; feed-specific extras arrive as tags_* fields. */
const YespoProduct = z.looseObject({
  id: z.optional(idLike),
  name: z.optional(z.string()),
  url: z.optional(z.string()),
  price: z.optional(z.nullable(z.union([z.number(), z.string()]))),
  descr: z.optional(z.nullable(z.string())),
  brand: z.optional(z.nullable(z.string())),
  category: z.optional(z.nullable(z.union([z.array(z.string()), z.string()]))),
  isInStock: z.optional(z.nullable(z.union([z.number(), z.boolean()]))),
  picture: z.optional(z.nullable(z.string())),
  imageUrl: z.optional(z.nullable(z.string())),
});
type YespoProduct = z.infer<typeof YespoProduct>;

const YespoResponse = z.array(z.unknown());

// ---- parsing -----------------------------------------------------------------

function normalizeYespoItem(product: YespoProduct): RawItem {
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(product)) if (key.startsWith('tags_')) attributes[key.slice(5)] = value;
  return {
    id: product.id,
    title: product.name,
    url: product.url,
    // Yespo's documented fields carry no image; feeds commonly add one as picture or imageUrl.
    image: product.picture ?? product.imageUrl,
    amount: product.price,
    description: product.descr,
    brand: product.brand,
    category: product.category,
    inStock: product.isInStock == null ? undefined : Boolean(product.isInStock),
    attributes,
  };
}

export const yespoAdapter: VendorAdapter<YespoSettings> = {
  vendor: 'yespo',
  buildRequest: buildYespoRequest,
  parseResponse(body) {
    const list = YespoResponse.safeParse(body);
    if (!list.success) throw new RecsFailure('invalid-response', 'yespo: response is not a list of products');
    return { items: parseEntries(list.data, YespoProduct, normalizeYespoItem) };
  },
};

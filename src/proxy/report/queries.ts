/**
 * The report's SQL, over the tables of the events store (issue 10 contract), through
 * `SqlClient.query` with $1-style parameters: the same text runs on PGlite and Postgres.
 *
 * Ranges are half-open, [from, to), in UTC: `from`/`to` are dates (YYYY-MM-DD) and events
 * count by when they happened (`occurred_at`), answers served by their day. Every count
 * comes back as a JS number: node-postgres hands bigint and numeric over as strings.
 * Each query aggregates in the database, so memory stays small whatever the traffic;
 * the export reads in keyset pages.
 */

import type { ClusterMoments } from './stats.js';
import type { EventType } from '../../model/event.js';

/** The part of the store's SqlClient the report needs (structurally the contract's SqlClient). */
export interface ReportSql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface ReportRange {
  /** First day, YYYY-MM-DD (UTC), included. */
  from: string;
  /** Day after the last, YYYY-MM-DD (UTC), excluded. */
  to: string;
  placement?: string;
}

export interface RevenueAggregate {
  currency: string;
  /** Revenue of the attributed order lines as sent, before the cap. */
  total: number;
  /** Each line's revenue counted up to this (the placement's and currency's, every variant alike: REVENUE_CAP). */
  cap: number;
  /** Attributed order lines above the cap. */
  linesCapped: number;
  /** Capped revenue summed, and summed squared per impression (request id + item id): the variance's ingredients. */
  sum: number;
  sumSquares: number;
  /** Between-cluster sums (revenue y, impressions n) for the cluster-robust variance. */
  moments?: ClusterMoments;
}


/** What a variant's answers and events add up to: the counts the report and its aggregates share. */
export interface VariantCounts {
  variant: string;
  requests: number;
  impressions: number;
  clicks: number;
  addToCarts: number;
  /** Order lines of a product clicked or added to cart under the request id and rank the line quotes (ATTRIBUTED). */
  orders: number;
  /** Of the impressions, cards without an impression event that were clicked or added to cart (within their first visible second). */
  impliedImpressions: number;
  /** Order lines without such a click or add-to-cart: stored and exported, left out of orders and revenue. */
  unattributedOrders: number;
}

export interface VariantAggregate extends VariantCounts {
  placement: string;
  /** Sum over impressions of (order lines of that impression)². */
  ordersSumSquares: number;
  revenue: RevenueAggregate[];
  /** Between-cluster sums of clicks, add-to-carts and orders against impressions; absent: impressions treated as independent. */
  moments?: { clicks: ClusterMoments; addToCarts: ClusterMoments; orders: ClusterMoments };
  /** A split's page views with an event in the range, and their between-cluster sums against the placement's page views (the sample-ratio check, model.ts). */
  pageViews?: { views: number; moments: ClusterMoments };
}

export interface DailyCtr {
  day: string;
  placement: string;
  variant: string;
  impressions: number;
  clicks: number;
}

export interface InterleavingAggregate {
  placement: string;
  /** The two teams compared, in name order; wins are the first team's. */
  teams: [string, string];
  /** Interleaved page views with any event in the range. */
  pageViews: number;
  wins: number;
  losses: number;
  ties: number;
  /** Between-cluster sums of the first team's score (1, ½, 0) against page views with a click. */
  moments?: ClusterMoments;
}

/** Per split placement, the configuration compared: its fingerprint, or '' for events from before fingerprints. */
export type SplitConfigs = Record<string, string>;

export interface ExportedEvent {
  eventKey: string;
  type: string;
  placement: string;
  variant: string;
  requestId: string;
  itemId: string;
  rank: number;
  team: string | null;
  trackerId: string | null;
  quantity: number | null;
  revenue: number | null;
  currency: string | null;
  /** ISO 8601, UTC, milliseconds. */
  occurredAt: string;
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

const TIME_RANGE = `occurred_at >= ($1::date)::timestamp AT TIME ZONE 'UTC' AND occurred_at < ($2::date)::timestamp AT TIME ZONE 'UTC'
  AND ($3::text IS NULL OR placement = $3::text)`;

/**
 * The unit the variance is computed between: the sending client's unit (events/ingest.ts) first,
 * since one client can pose as any number of shoppers and page views, so counting it as one
 * cluster bounds what it can add to a verdict; else a split's shopper bucket; else the page view.
 * A shopper keeps an address for a visit, so the client unit also holds a shopper's page views together.
 */
const CLIENT_CLUSTER = `coalesce('c' || client::text, request_id)`;
const CLUSTER = `coalesce('c' || client::text, 'b' || bucket::text, request_id) AS cluster`;

/**
 * Σ over clusters of (the ratio without that cluster − the ratio)², from per-cluster columns `y`
 * and `n` beside their totals `total` and `tn` (window sums): the jackknife's ingredient (stats.ts clusteredArm).
 */
const jackknife = (y: string, total: string) => `sum(power((${total} - ${y})::float8 / nullif(tn - n, 0) - ${total}::float8 / nullif(tn, 0), 2))`;

/** Rows of the configuration compared ($4: split placements, $5: the fingerprint of each, '' for none); other placements' rows all. */
const CURRENT_SPLIT = `(array_position($4::text[], placement) IS NULL OR coalesce(split, '') = ($5::text[])[array_position($4::text[], placement)])`;

function rangeParams(range: ReportRange): unknown[] {
  return [range.from, range.to, range.placement ?? null];
}

/**
 * Which configuration of each split to compare, and how many events of the range that leaves out.
 * A split's fingerprint (salt and weights) is signed into its request ids and kept on its events:
 * pooling two configurations (a ramp from 90/10 to 10/90 while the season changes) can make the
 * better variant look worse (Simpson's paradox), so only the current one (`current`, from the
 * configuration) is compared. Events from before fingerprints are compared only when the range has
 * nothing else: nothing tells their configurations apart.
 */
export async function splitConfigs(sql: ReportSql, range: ReportRange, current: Record<string, string>): Promise<{ compared: SplitConfigs; leftOut: Record<string, number> }> {
  const names = Object.keys(current);
  const compared: SplitConfigs = {};
  const leftOut: Record<string, number> = {};
  if (names.length === 0) return { compared, leftOut };
  const rows = await sql.query<{ placement: string; split: string; n: unknown }>(
    `SELECT placement, coalesce(split, '') AS split, count(*) AS n FROM recs_events
      WHERE ${TIME_RANGE} AND placement = ANY($4::text[]) GROUP BY 1, 2`,
    [...rangeParams(range), names],
  );
  for (const name of names) {
    const own = rows.filter((row) => row.placement === name);
    compared[name] = own.some((row) => row.split !== '') ? current[name]! : '';
    leftOut[name] = own.filter((row) => row.split !== compared[name]).reduce((sum, row) => sum + num(row.n), 0);
  }
  return { compared, leftOut };
}

/**
 * What each event of the range counts for (one definition for the figures, their variance and the
 * chart). A card (request id, rank) is viewed when it has an impression event, or when it was
 * clicked or added to cart without one: the widget reports an impression after a second in view,
 * so a quicker click has none, and it is the shopper's all the same (a script gains nothing from
 * this: it could send the impression too). `viewed` marks the one event that makes a card viewed,
 * so a rate's numerator is always within its denominator. An order line is `attributed` only when
 * its product was clicked or added to cart under the request id and rank it quotes: the widget
 * sends an order only for such a product (events-sender.ts remembers the click it sends), so a line
 * without one was lost on its way or made up; it is kept (the export has it) and counted apart.
 * Both look across all time, so a click stored after its order (a retried batch) still counts it.
 *
 * Impressions, most of the events, need no look-up. The others (a tenth) look up their card's events
 * through the request_id index, one row at a time: a scalar subquery, because the planner turns
 * EXISTS into a hash of every impression in the table, built once per condition and per use (the
 * report took twice as long), and a join with the cards grouped first can be planned as a nested
 * loop that groups them again for every event (seconds on a small range). `types`, when given,
 * keeps only the events of those types. `fence` (OFFSET 0) has the flags worked out once per event, before
 * any sort, which then carries them instead of the columns they are looked up by; without it, the
 * rows keep the order of their scan, the order in which revenue is summed.
 */
function counted(types?: readonly EventType[], fence = true): string {
  const only = types ? `e.type IN (${types.map((type) => `'${type}'`).join(', ')}) AND ` : '';
  const card = (condition: string) =>
    `coalesce((SELECT bool_or(${condition}) FROM recs_events v WHERE v.request_id = e.request_id AND v.rank = e.rank), false)`;
  return `(SELECT e.placement, e.variant, e.type, e.request_id, e.item_id, e.rank, e.currency, e.revenue, e.occurred_at, ${CLUSTER},
    CASE e.type WHEN 'impression' THEN true
      WHEN 'click' THEN NOT ${card(`v.type = 'impression'`)}
      WHEN 'add-to-cart' THEN NOT ${card(`v.type IN ('impression', 'click')`)}
      ELSE false END AS viewed,
    CASE e.type WHEN 'order' THEN ${card(`v.type IN ('click', 'add-to-cart') AND v.item_id = e.item_id`)}
      ELSE false END AS attributed
   FROM recs_events e WHERE ${only}${TIME_RANGE} AND ${CURRENT_SPLIT}
   ${fence ? 'OFFSET 0' : ''}) AS counted`;
}

/**
 * Attributed order lines with their revenue capped. One line can carry up to 10¹² (1,000 × 10⁹),
 * and the mean is moved by any one value without bound, so each line's revenue counts up to a cap
 * per placement and currency, the same for every variant: the 99th percentile of the lines (a few
 * outliers set nothing), and never more than the largest line of the client unit with the
 * second-largest (one client, whatever it sends, cannot raise the cap beyond another client's).
 */
const CAPPED_LINES = `lines AS (
    SELECT placement, variant, cluster, request_id, item_id, coalesce(currency, '') AS currency, coalesce(revenue, 0) AS revenue
      FROM ${counted(['order'], false)} WHERE attributed),
  tops AS (
    SELECT placement, currency, max(revenue) AS top, row_number() OVER (PARTITION BY placement, currency ORDER BY max(revenue) DESC) AS place
      FROM lines GROUP BY placement, currency, cluster),
  -- Worked out once: inlined, it can be planned inside a loop over the lines, once per line.
  caps AS MATERIALIZED (
    SELECT l.placement, l.currency,
           least(percentile_disc(0.99) WITHIN GROUP (ORDER BY l.revenue),
                 (SELECT t.top FROM tops t WHERE t.placement = l.placement AND t.currency = l.currency AND t.place = 2)) AS cap
      FROM lines l GROUP BY l.placement, l.currency),
  capped AS (
    SELECT lines.*, least(lines.revenue, caps.cap) AS kept, caps.cap FROM lines JOIN caps ON caps.placement = lines.placement AND caps.currency = lines.currency)`;

/** Per placement and variant: answers served, impressions, clicks, add-to-carts, orders and revenue; of each split in `splits`, that configuration's only. */
export async function variantAggregates(sql: ReportSql, range: ReportRange, splits: SplitConfigs = {}): Promise<VariantAggregate[]> {
  const params = [...rangeParams(range), Object.keys(splits), Object.values(splits)];
  const [requests, rows, orders, views] = await Promise.all([
    sql.query<{ placement: string; variant: string; requests: unknown }>(
      `SELECT placement, variant, sum(count) AS requests FROM recs_requests
        WHERE day >= $1::date AND day < $2::date AND ($3::text IS NULL OR placement = $3::text) AND ${CURRENT_SPLIT}
        GROUP BY placement, variant`,
      params,
    ),
    // The range's events counted once, per cluster (by_cluster), for the variant's figures and their
    // variance (null currency: no attributed order) and beside the revenue per cluster and currency.
    // The window sums run in cluster order, the order of the float sums when each was its own statement.
    sql.query<{
      placement: string; variant: string; clusters: unknown; impressions: unknown; clicks: unknown; add_to_carts: unknown; implied: unknown; unattributed: unknown;
      nn: unknown; cc: unknown; cn: unknown; aa: unknown; an: unknown; oo: unknown; o_n: unknown; jc: unknown; ja: unknown; jo: unknown;
      currency: string | null; rr: unknown; rn: unknown; jk: unknown;
    }>(
      `WITH ${CAPPED_LINES},
       by_cluster AS (
         SELECT placement, variant, cluster,
                count(*) FILTER (WHERE viewed) AS n,
                count(*) FILTER (WHERE type = 'click') AS c,
                count(*) FILTER (WHERE type = 'add-to-cart') AS a,
                count(*) FILTER (WHERE attributed) AS o,
                count(*) FILTER (WHERE viewed AND type <> 'impression') AS implied,
                count(*) FILTER (WHERE type = 'order' AND NOT attributed) AS unattributed
           FROM ${counted()}
          GROUP BY placement, variant, cluster),
       events AS (
         SELECT placement, variant, count(*) AS clusters,
                sum(n) AS impressions, sum(c) AS clicks, sum(a) AS add_to_carts, sum(implied) AS implied, sum(unattributed) AS unattributed,
                sum(n * n) AS nn, sum(c * c) AS cc, sum(c * n) AS cn, sum(a * a) AS aa, sum(a * n) AS an, sum(o * o) AS oo, sum(o * n) AS o_n,
                ${jackknife('c', 'tc')} AS jc, ${jackknife('a', 'ta')} AS ja, ${jackknife('o', 't_o')} AS jo
           FROM (SELECT by_cluster.*, sum(n) OVER w AS tn, sum(c) OVER w AS tc, sum(a) OVER w AS ta, sum(o) OVER w AS t_o
                   FROM by_cluster
                 WINDOW w AS (PARTITION BY placement, variant ORDER BY cluster ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS per_cluster
          GROUP BY placement, variant),
       -- Capped revenue per cluster and currency, beside the cluster's impressions (in any currency), every
       -- cluster of the variant included (those without revenue count for the jackknife as zeros).
       currencies AS (SELECT DISTINCT placement, variant, currency FROM capped),
       revenue AS (SELECT placement, variant, cluster, currency, sum(kept) AS y FROM capped GROUP BY placement, variant, cluster, currency),
       revenue_moments AS (
         SELECT placement, variant, currency, sum(y * y) AS rr, sum(y * n) AS rn, ${jackknife('y', 'ty')} AS jk
           FROM (SELECT c.placement, c.variant, c.currency, i.n, coalesce(r.y, 0) AS y,
                        sum(i.n) OVER w AS tn, sum(coalesce(r.y, 0)) OVER w AS ty
                   FROM currencies c
                   JOIN by_cluster i ON i.placement = c.placement AND i.variant = c.variant
                   LEFT JOIN revenue r ON r.placement = c.placement AND r.variant = c.variant AND r.currency = c.currency AND r.cluster = i.cluster
                 WINDOW w AS (PARTITION BY c.placement, c.variant, c.currency ORDER BY i.cluster ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS per_cluster
          GROUP BY placement, variant, currency)
       SELECT events.*, revenue_moments.currency, revenue_moments.rr, revenue_moments.rn, revenue_moments.jk
         FROM events LEFT JOIN revenue_moments ON revenue_moments.placement = events.placement AND revenue_moments.variant = events.variant`,
      params,
    ),
    // Its own statement (its lines are few and cheap to find again): planned alone, its float sums keep their order.
    sql.query<{ placement: string; variant: string; currency: string; orders: unknown; orders_sq: unknown; total: unknown; revenue: unknown; revenue_sq: unknown; cap: unknown; over: unknown }>(
      `WITH ${CAPPED_LINES}
       SELECT placement, variant, currency, sum(n) AS orders, sum(n * n) AS orders_sq, sum(total) AS total,
              sum(r) AS revenue, sum(r * r) AS revenue_sq, max(cap) AS cap, sum(over) AS over
         FROM (SELECT placement, variant, request_id, item_id, currency, count(*) AS n, sum(revenue) AS total, sum(kept) AS r,
                      max(cap) AS cap, count(*) FILTER (WHERE revenue > cap) AS over
                 FROM capped
                GROUP BY placement, variant, request_id, item_id, currency) AS per_impression
        GROUP BY placement, variant, currency`,
      params,
    ),
    // Per split, each variant's page views (request ids with an event) per cluster, against the cluster's page views of
    // every variant: answers served say nothing of who asked, these do (the sample-ratio check, model.ts).
    Object.keys(splits).length === 0
      ? []
      : sql.query<{ placement: string; variant: string; views: unknown; clusters: unknown; nn: unknown; yy: unknown; yn: unknown; jk: unknown }>(
          `WITH views AS (
             SELECT placement, variant, cluster, count(DISTINCT request_id) AS y
               FROM (SELECT placement, variant, request_id, ${CLUSTER} FROM recs_events
                      WHERE ${TIME_RANGE} AND placement = ANY($4::text[]) AND ${CURRENT_SPLIT}) AS e
              GROUP BY placement, variant, cluster),
           cells AS (
             SELECT views.*, sum(y) OVER (PARTITION BY placement, cluster) AS n, sum(y) OVER (PARTITION BY placement) AS tn,
                    sum(y) OVER (PARTITION BY placement, variant) AS ty
               FROM views),
           -- Window sums, not a join of every variant with every cluster (planned as a loop, seconds): a cluster without
           -- the variant adds ty² · (1 / (tn - n) - 1 / tn)² to its jackknife, so s sums that over all clusters and
           -- each cell of the variant trades its own for it.
           placements AS (
             SELECT placement, count(*) AS clusters, sum(n * n) AS nn, sum(power(1 / nullif(tn - n, 0)::float8 - 1 / tn::float8, 2)) AS s
               FROM (SELECT DISTINCT placement, cluster, n, tn FROM cells) AS each_cluster GROUP BY placement)
           SELECT c.placement, c.variant, p.clusters, sum(c.y) AS views, p.nn, sum(c.y * c.y) AS yy, sum(c.y * c.n) AS yn,
                  p.s * power(max(c.ty)::float8, 2) + sum(power((c.ty - c.y)::float8 / nullif(c.tn - c.n, 0) - c.ty::float8 / c.tn, 2)
                                                       - power(c.ty::float8 / nullif(c.tn - c.n, 0) - c.ty::float8 / c.tn, 2)) AS jk
             FROM cells c JOIN placements p ON p.placement = c.placement
            GROUP BY c.placement, c.variant, p.clusters, p.nn, p.s`,
          params,
        ),
  ]);
  const byKey = new Map<string, VariantAggregate>();
  const entry = (placement: string, variant: string): VariantAggregate => {
    const key = JSON.stringify([placement, variant]);
    let aggregate = byKey.get(key);
    if (!aggregate) {
      aggregate = { placement, variant, requests: 0, impressions: 0, clicks: 0, addToCarts: 0, orders: 0, impliedImpressions: 0, unattributedOrders: 0, ordersSumSquares: 0, revenue: [] };
      byKey.set(key, aggregate);
    }
    return aggregate;
  };
  for (const row of requests) entry(row.placement, row.variant).requests = num(row.requests);
  // The variant's figures come on each of its currency rows: set once.
  for (const row of rows) {
    const aggregate = entry(row.placement, row.variant);
    if (aggregate.moments) continue;
    aggregate.impressions = num(row.impressions);
    aggregate.clicks = num(row.clicks);
    aggregate.addToCarts = num(row.add_to_carts);
    aggregate.impliedImpressions = num(row.implied);
    aggregate.unattributedOrders = num(row.unattributed);
    const moments = (yy: unknown, yn: unknown, jackknife: unknown): ClusterMoments => ({ clusters: num(row.clusters), nn: num(row.nn), yy: num(yy), yn: num(yn), jackknife: num(jackknife) });
    aggregate.moments = { clicks: moments(row.cc, row.cn, row.jc), addToCarts: moments(row.aa, row.an, row.ja), orders: moments(row.oo, row.o_n, row.jo) };
  }
  for (const row of orders) {
    const aggregate = entry(row.placement, row.variant);
    aggregate.orders += num(row.orders);
    aggregate.ordersSumSquares += num(row.orders_sq);
    aggregate.revenue.push({ currency: row.currency, total: num(row.total), cap: num(row.cap), linesCapped: num(row.over), sum: num(row.revenue), sumSquares: num(row.revenue_sq) });
  }
  for (const row of rows) {
    if (row.currency === null) continue;
    const aggregate = entry(row.placement, row.variant);
    const revenue = aggregate.revenue.find((r) => r.currency === row.currency);
    // The cluster count and Σn² are the variant's (clusters without revenue add only to them).
    if (revenue && aggregate.moments) revenue.moments = { clusters: aggregate.moments.clicks.clusters, nn: aggregate.moments.clicks.nn, yy: num(row.rr), yn: num(row.rn), jackknife: num(row.jk) };
  }
  for (const row of views) {
    entry(row.placement, row.variant).pageViews = { views: num(row.views), moments: { clusters: num(row.clusters), nn: num(row.nn), yy: num(row.yy), yn: num(row.yn), jackknife: num(row.jk) } };
  }
  for (const aggregate of byKey.values()) aggregate.revenue.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  return [...byKey.values()].sort((a, b) => compare(a.placement, b.placement) || compare(a.variant, b.variant));
}

/**
 * Viewed cards and clicks per UTC day, placement and variant, oldest first, counted as the
 * figures are (`counted`); of each split in `splits`, that configuration's only, like its verdict.
 */
export async function dailyCtr(sql: ReportSql, range: ReportRange, splits: SplitConfigs = {}): Promise<DailyCtr[]> {
  const rows = await sql.query<{ day: string; placement: string; variant: string; impressions: unknown; clicks: unknown }>(
    // Grouped by the date, written as text once per row of the answer rather than once per event.
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, placement, variant, impressions, clicks
       FROM (SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, placement, variant,
                    count(*) FILTER (WHERE viewed) AS impressions,
                    count(*) FILTER (WHERE type = 'click') AS clicks
               FROM ${counted(['impression', 'click', 'add-to-cart'])}
              GROUP BY 1, placement, variant
             HAVING count(*) FILTER (WHERE viewed OR type = 'click') > 0) AS per_day
      ORDER BY per_day.day, placement, variant`,
    [...rangeParams(range), Object.keys(splits), Object.values(splits)],
  );
  return rows.map((row) => ({ day: row.day, placement: row.placement, variant: row.variant, impressions: num(row.impressions), clicks: num(row.clicks) }));
}

/**
 * Team-draft interleaving outcomes per placement, decided per page view (request id) in
 * the database. Only events with a team count (interleaved answers; a side served alone
 * carries none, nor does an item placed after one list ran out, which belongs to no team). The two teams are the placement's two most frequent in the range (an
 * interleave compares two; should its configuration have changed within the range, page
 * views of other teams are left out). A page view is a win for the first team when its
 * items got more clicks, a loss when fewer, a tie when equal and at least one; page views
 * without clicks count in `pageViews` only.
 */
export async function interleavingOutcomes(sql: ReportSql, range: ReportRange): Promise<InterleavingAggregate[]> {
  const params = rangeParams(range);
  const teamRows = await sql.query<{ placement: string; team: string; n: unknown }>(
    `SELECT placement, team, count(*) AS n FROM recs_events
      WHERE team IS NOT NULL AND ${TIME_RANGE}
      GROUP BY placement, team ORDER BY placement, count(*) DESC, team`,
    params,
  );
  const pairs = new Map<string, string[]>();
  for (const row of teamRows) {
    const teams = pairs.get(row.placement) ?? [];
    if (teams.length < 2) teams.push(row.team);
    pairs.set(row.placement, teams);
  }
  const results: InterleavingAggregate[] = [];
  for (const [placement, found] of [...pairs].sort(([a], [b]) => compare(a, b))) {
    if (found.length < 2) continue;
    const teams = [...found].sort(compare) as [string, string];
    // The first team's score per page view with a click (1 won, ½ tie, 0 lost), summed per client unit for the variance.
    const [row] = await sql.query<{ page_views: unknown; wins: unknown; losses: unknown; ties: unknown; clusters: unknown; nn: unknown; yy: unknown; yn: unknown; jk: unknown }>(
      `WITH per_view AS (
         SELECT request_id, min(client) AS client,
                count(*) FILTER (WHERE type = 'click' AND team = $4::text) AS a,
                count(*) FILTER (WHERE type = 'click' AND team = $5::text) AS b,
                count(*) FILTER (WHERE team <> $4::text AND team <> $5::text) AS other
           FROM recs_events
          WHERE team IS NOT NULL AND ${TIME_RANGE.replace('$3::text IS NULL OR ', '')}
          GROUP BY request_id),
       by_cluster AS (
         SELECT ${CLIENT_CLUSTER} AS cluster, count(*) AS n, sum(CASE WHEN a > b THEN 1 WHEN a < b THEN 0 ELSE 0.5 END) AS y
           FROM per_view WHERE other = 0 AND a + b > 0 GROUP BY 1),
       per_cluster AS (SELECT n, y, sum(n) OVER () AS tn, sum(y) OVER () AS ty FROM by_cluster)
       SELECT (SELECT count(*) FROM per_view WHERE other = 0) AS page_views,
              (SELECT count(*) FROM per_view WHERE other = 0 AND a > b) AS wins,
              (SELECT count(*) FROM per_view WHERE other = 0 AND a < b) AS losses,
              (SELECT count(*) FROM per_view WHERE other = 0 AND a = b AND a > 0) AS ties,
              count(*) AS clusters, sum(n * n) AS nn, sum(y * y) AS yy, sum(y * n) AS yn, ${jackknife('y', 'ty')} AS jk
         FROM per_cluster`,
      [range.from, range.to, placement, teams[0], teams[1]],
    );
    results.push({
      placement,
      teams,
      pageViews: num(row?.page_views),
      wins: num(row?.wins),
      losses: num(row?.losses),
      ties: num(row?.ties),
      moments: { clusters: num(row?.clusters), nn: num(row?.nn), yy: num(row?.yy), yn: num(row?.yn), jackknife: num(row?.jk) },
    });
  }
  return results;
}

/** Where the export's next page starts: after this (occurred_at, event_key). */
export interface ExportCursor {
  /** occurred_at as PostgreSQL prints it, to the microsecond, so nothing is skipped or repeated. */
  at: string;
  eventKey: string;
}

/**
 * One page of raw events in (occurred_at, event_key) order, starting after `after`
 * (keyset pagination: each page is one indexed range read, whatever the offset).
 */
export async function readEventPage(
  sql: ReportSql,
  range: ReportRange,
  after: ExportCursor | undefined,
  limit: number,
): Promise<{ events: ExportedEvent[]; next: ExportCursor | undefined }> {
  const params = [...rangeParams(range), limit];
  let keyset = '';
  if (after) {
    keyset = `AND occurred_at >= $5::timestamptz AND (occurred_at, event_key) > ($5::timestamptz, $6::text)`;
    params.push(after.at, after.eventKey);
  }
  const rows = await sql.query<{
    event_key: string;
    type: string;
    placement: string;
    variant: string;
    request_id: string;
    item_id: string;
    rank: unknown;
    team: string | null;
    tracker_id: string | null;
    quantity: unknown;
    revenue: unknown;
    currency: string | null;
    at: string;
  }>(
    `SELECT event_key, type, placement, variant, request_id, item_id, rank, team, tracker_id, quantity, revenue, currency,
            to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
       FROM recs_events WHERE ${TIME_RANGE} ${keyset}
      ORDER BY occurred_at, event_key
      LIMIT $4`,
    params,
  );
  const events = rows.map(
    (row): ExportedEvent => ({
      eventKey: row.event_key,
      type: row.type,
      placement: row.placement,
      variant: row.variant,
      requestId: row.request_id,
      itemId: row.item_id,
      rank: num(row.rank),
      team: row.team,
      trackerId: row.tracker_id,
      quantity: row.quantity === null ? null : num(row.quantity),
      revenue: row.revenue === null ? null : num(row.revenue),
      currency: row.currency,
      occurredAt: `${row.at.slice(0, 23)}Z`,
    }),
  );
  const last = rows.at(-1);
  return { events, next: rows.length === limit && last ? { at: last.at, eventKey: last.event_key } : undefined };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Scenario 10 — column overhead: GET /db/columns/{SHAPE} (or /db/types/{TYPE}) pages.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e SHAPE=extra_wide k6/db-advanced/10-columns.js
// SHAPE: narrow (default, 5 columns) | wide (20) | extra_wide (50) | wide_projected (5 of 20).
// TYPE: int | varchar | text | jsonb | timestamp | uuid — when set, reads /db/types/{TYPE}
// instead (one column type per table). SIZE: page size 1–100 (default 20). ROWS: rows per
// table (default 10000, fixture scale 1); MAX_SKIP: largest start row (default 1000).
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const SHAPES = ['narrow', 'wide', 'extra_wide', 'wide_projected'];
const TYPES = ['int', 'varchar', 'text', 'jsonb', 'timestamp', 'uuid'];
const shape = __ENV.SHAPE || 'narrow';
const type = __ENV.TYPE || '';
if (type ? !TYPES.includes(type) : !SHAPES.includes(shape)) {
  throw new Error(
    type
      ? `TYPE must be one of ${TYPES.join(', ')}, got ${type}`
      : `SHAPE must be one of ${SHAPES.join(', ')}, got ${shape}`,
  );
}
const size = Number(__ENV.SIZE || 20);
const rows = Number(__ENV.ROWS || 10000);
const maxSkip = Math.max(0, Math.min(Number(__ENV.MAX_SKIP || 1000), rows - size));
const path = type ? `/db/types/${type}` : `/db/columns/${shape}`;
const tags = { name: `GET ${type ? '/db/types/{type}' : '/db/columns/{shape}'}` };

export default function () {
  const skip = Math.floor(Math.random() * (maxSkip + 1));
  const response = http.get(`${BASE_URL}${path}?skip=${skip}&size=${size}`, { tags });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body has a full page of rows': (r) => {
      const body = jsonBody(r);
      return (
        body !== undefined &&
        Array.isArray(body.items) &&
        body.items.length === size &&
        body.items.every((row) => row !== null && typeof row === 'object' && 'id' in row)
      );
    },
  });
}

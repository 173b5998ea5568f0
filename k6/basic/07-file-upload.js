// Scenario 07 — multipart upload: POST /upload of an in-memory file of FILE_SIZE bytes.
// k6 run -e BASE_URL=http://127.0.0.1:3000 k6/basic/07-file-upload.js
// FILE_SIZE: bytes per upload (default 65536).
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const size = Number(__ENV.FILE_SIZE || 65536);
const bytes = new Uint8Array(size);
for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
const data = { file: http.file(bytes.buffer, 'bench.bin', 'application/octet-stream') };

export default function () {
  const response = http.post(`${BASE_URL}/upload`, data, { tags: { name: 'POST /upload' } });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body reports the size': (r) => {
      const body = jsonBody(r);
      return body !== undefined && body.size === size && /^[0-9a-f]{64}$/.test(body.sha256);
    },
  });
}

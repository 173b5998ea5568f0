/**
 * A multipart/form-data body with one file field, built once and reused: the in-process engine
 * sends the same bytes k6 sends with `http.file` (same field name, same deterministic content).
 */
export function multipartFile(
  bytes: Uint8Array,
  filename: string,
): { body: Buffer; contentType: string } {
  const boundary = `----lab-${filename.replace(/\W/g, '')}-boundary`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    body: Buffer.concat([head, bytes, tail]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** The bytes of k6/basic/07-file-upload.js: `(i * 31 + 7) & 0xff`. */
export function uploadBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

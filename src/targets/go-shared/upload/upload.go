// Package upload hashes the `file` part of a multipart/form-data body while reading it
// (POST /upload, scenario 07): nothing is buffered whole or written to disk.
package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime/multipart"

	"backendlab/goshared/apperr"
	"backendlab/goshared/contract"
)

// Result is the body of a successful upload.
type Result struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Slack is what a body may hold beyond the file limit: multipart framing and other fields.
const Slack = 1 << 20

// Digest reads a multipart body (boundary from contract.MultipartBoundary) whose one part is
// the file `file`, and returns its size and SHA-256. A `file` field that is not a file, a
// missing one, any other part or a second `file` (the contract's form has no other property),
// or a malformed body is 400; a file above limit is 413. On an error the body may be left
// unread: callers close the connection.
func Digest(body io.Reader, boundary string, limit int64) (Result, error) {
	parts := multipart.NewReader(body, boundary)
	var result *Result
	for {
		// Raw parts: the bytes as sent, without Content-Transfer-Encoding decoding.
		part, err := parts.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Result{}, malformed(err)
		}
		if part.FormName() != "file" || result != nil {
			return Result{}, apperr.New(apperr.ValidationFailed,
				`unexpected multipart part %q: the form has one part, "file"`, part.FormName())
		}
		if part.FileName() == "" {
			return Result{}, apperr.New(apperr.ValidationFailed, `field "file" must be a file, not a plain form field`)
		}
		hash := sha256.New()
		// One byte past the limit is enough to know the file is too large.
		size, err := io.Copy(hash, io.LimitReader(part, limit+1))
		if err != nil {
			return Result{}, malformed(err)
		}
		if size > limit {
			return Result{}, apperr.New(apperr.PayloadTooLarge, "file exceeds %d bytes", limit)
		}
		result = &Result{Size: size, SHA256: hex.EncodeToString(hash.Sum(nil))}
	}
	if result == nil {
		return Result{}, apperr.New(apperr.ValidationFailed, `missing file field "file"`)
	}
	return *result, nil
}

// malformed maps a read error: a body above its limit (413) or past the read timeout (408) stays
// as it is, the rest is the client's malformed or truncated body.
func malformed(err error) error {
	if contract.KeepReadError(err) {
		return err
	}
	return apperr.New(apperr.ValidationFailed, "malformed multipart body: %v", err)
}

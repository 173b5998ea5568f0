package auth

import (
	"crypto/subtle"
	"encoding/base64"
	"regexp"
	"strconv"

	"golang.org/x/crypto/scrypt"
)

// The accounts' password hashes (src/targets/shared/password.ts):
// `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>`, the cost travelling with the hash.
var hashFormat = regexp.MustCompile(`^scrypt\$(\d{1,2})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$`)

// VerifyPassword says whether password matches stored, in constant time over the derived key;
// a malformed hash matches nothing. Author 1's hardened hash (N = 2^14) costs tens of ms of CPU:
// the point of scenario 16's hardened login.
func VerifyPassword(password, stored string) bool {
	m := hashFormat.FindStringSubmatch(stored)
	if m == nil {
		return false
	}
	log2N, _ := strconv.Atoi(m[1])
	r, _ := strconv.Atoi(m[2])
	p, _ := strconv.Atoi(m[3])
	if log2N < 1 || log2N > 20 || r < 1 || p < 1 {
		return false
	}
	salt, err1 := base64.StdEncoding.DecodeString(m[4])
	expected, err2 := base64.StdEncoding.DecodeString(m[5])
	if err1 != nil || err2 != nil || len(expected) == 0 {
		return false
	}
	key, err := scrypt.Key([]byte(password), salt, 1<<log2N, r, p, len(expected))
	return err == nil && subtle.ConstantTimeCompare(key, expected) == 1
}

package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"time"

	"github.com/redis/go-redis/v9"

	"backendlab/goshared/apperr"
)

// Sessions are the server-side sessions of scenarios 16 and 19 in Redis
// (src/targets/shared/sessions.ts): `session:<token>` holds the principal as JSON with a TTL that
// use does not refresh; the token is 32 random bytes in base64url, sent back as a bearer token.
type Sessions struct {
	redis *redis.Client
	ttl   time.Duration
}

// NewSessions keeps sessions in rdb for ttlSeconds.
func NewSessions(rdb *redis.Client, ttlSeconds int) *Sessions {
	return &Sessions{redis: rdb, ttl: time.Duration(ttlSeconds) * time.Second}
}

var sessionToken = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func sessionKey(token string) string { return "session:" + token }

// token is the request's session token; one of another shape is refused without asking Redis.
func token(header string) (string, error) {
	t, err := BearerToken(header)
	if err != nil {
		return "", err
	}
	if !sessionToken.MatchString(t) {
		return "", apperr.New(apperr.Unauthorized, "invalid session token")
	}
	return t, nil
}

func noSession() error {
	return apperr.New(apperr.Unauthorized, "no such session (expired or logged out)")
}

// Create stores a session for p (one SET … EX) and returns its token.
func (s *Sessions) Create(ctx context.Context, p Principal) (string, error) {
	var random [32]byte
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails (it panics instead)
	t := base64.RawURLEncoding.EncodeToString(random[:])
	value, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return t, s.redis.Set(ctx, sessionKey(t), value, s.ttl).Err()
}

// Principal is the session of the request's bearer token (one GET); 401 when there is none.
func (s *Sessions) Principal(ctx context.Context, header string) (Principal, error) {
	t, err := token(header)
	if err != nil {
		return Principal{}, err
	}
	stored, err := s.redis.Get(ctx, sessionKey(t)).Bytes()
	if errors.Is(err, redis.Nil) {
		return Principal{}, noSession()
	}
	if err != nil {
		return Principal{}, err
	}
	var p Principal
	err = json.Unmarshal(stored, &p)
	return p, err
}

// End deletes the request's session (one DEL, which also says whether there was one: 401 if not).
func (s *Sessions) End(ctx context.Context, header string) error {
	t, err := token(header)
	if err != nil {
		return err
	}
	deleted, err := s.redis.Del(ctx, sessionKey(t)).Result()
	if err != nil {
		return err
	}
	if deleted == 0 {
		return noSession()
	}
	return nil
}

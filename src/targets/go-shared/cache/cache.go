// Package cache is the Redis side of the Go targets: the client (scenarios 14–16, 19) and the
// cache-aside in front of the primary-key read of users (src/targets/shared/user-cache.ts).
package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"backendlab/goshared/apperr"
	"backendlab/goshared/store"
)

// Info is the body of GET /cache/info.
type Info struct {
	Client      string `json:"client"`
	Connections int    `json:"connections"`
	TTLSeconds  int    `json:"ttlSeconds"`
}

// quiet drops go-redis's internal log lines (dial retries, pool notices): a failure reaches the
// request that met it as an error (500, logged once), and a Redis that is down at start is one
// line and exit 1, not a line per retry.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// Open connects to REDIS_URL with go-redis's usual pool, at most poolSize connections (the
// contract's LAB_DB_POOL), and checks it answers before the target listens. A connection's
// set-up commands are kept to HELLO: no CLIENT SETINFO, no maintenance notifications, so that
// `INFO commandstats` counts what requests send.
func Open(ctx context.Context, url string, poolSize int) (*redis.Client, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	redis.SetLogger(quiet{})
	opt.PoolSize = poolSize
	opt.DisableIdentity = true
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	rdb := redis.NewClient(opt)
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("redis: %w", err)
	}
	return rdb, nil
}

// UserCache is cache-aside on `user:{id}`: the entry is the response JSON with a TTL; a miss
// reads the row and stores it before answering; unknown ids are not cached; a rename deletes
// the entry after the write.
type UserCache struct {
	redis *redis.Client
	users *store.Users
	ttl   time.Duration
	info  Info
}

// NewUserCache caches users' reads in rdb for ttlSeconds; poolSize is what /cache/info reports.
func NewUserCache(rdb *redis.Client, users *store.Users, ttlSeconds, poolSize int) *UserCache {
	return &UserCache{
		redis: rdb, users: users, ttl: time.Duration(ttlSeconds) * time.Second,
		info: Info{Client: "go-redis " + redis.Version(), Connections: poolSize, TTLSeconds: ttlSeconds},
	}
}

// Strategies of GET /cache/users/{id}.
var Strategies = []string{"none", "aside", "miss"}

func key(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// Info is GET /cache/info.
func (c *UserCache) Info() Info { return c.info }

// Read answers user id as JSON by strategy: `none` the row alone, `aside` a GET and on a miss the
// row stored with SET … EX, `miss` DEL (pipelined with the GET that now misses) then as `aside`.
// A hit is the stored bytes as they are: the entry is the response.
func (c *UserCache) Read(ctx context.Context, id int64, strategy string) ([]byte, error) {
	switch strategy {
	case "none":
		user, err := c.users.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		return json.Marshal(user)
	case "aside":
		cached, err := c.redis.Get(ctx, key(id)).Bytes()
		if err == nil {
			return cached, nil
		}
		if !errors.Is(err, redis.Nil) {
			return nil, err
		}
	case "miss":
		pipe := c.redis.Pipeline()
		pipe.Del(ctx, key(id))
		pipe.Get(ctx, key(id))
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
	default:
		return nil, apperr.New(apperr.ValidationFailed, "unknown cache strategy %q", strategy)
	}
	user, err := c.users.Get(ctx, id) // 404 for an unknown id: nothing stored
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(user)
	if err != nil {
		return nil, err
	}
	return data, c.redis.Set(ctx, key(id), data, c.ttl).Err()
}

// Rename writes the new name, then deletes the entry (never before: a read in between sees the
// old entry at most until the DEL); 404 for an unknown id.
func (c *UserCache) Rename(ctx context.Context, id int64, name string) (store.User, error) {
	user, found, err := c.users.Rename(ctx, id, name)
	if err != nil {
		return user, err
	}
	if !found {
		return user, apperr.New(apperr.NotFound, "user %d not found", id)
	}
	return user, c.redis.Del(ctx, key(id)).Err()
}

// Warm stores the users with from ≤ id < from + count as a miss would (read in one statement,
// the SETs pipelined) and returns how many there were.
func (c *UserCache) Warm(ctx context.Context, from, count int64) (int, error) {
	users, err := c.users.InRange(ctx, from, count)
	if err != nil || len(users) == 0 {
		return 0, err
	}
	pipe := c.redis.Pipeline()
	for _, user := range users {
		data, err := json.Marshal(user)
		if err != nil {
			return 0, err
		}
		pipe.Set(ctx, key(user.ID), data, c.ttl)
	}
	_, err = pipe.Exec(ctx)
	return len(users), err
}

// Flush deletes every `user:*` entry (SCAN and UNLINK; never FLUSHDB: sessions share the
// database) and returns how many.
func (c *UserCache) Flush(ctx context.Context) (int64, error) {
	var deleted int64
	iter := c.redis.Scan(ctx, 0, "user:*", 1000).Iterator()
	batch := make([]string, 0, 1000)
	unlink := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, err := c.redis.Unlink(ctx, batch...).Result()
		deleted += n
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == cap(batch) {
			if err := unlink(); err != nil {
				return deleted, err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return deleted, err
	}
	return deleted, unlink()
}

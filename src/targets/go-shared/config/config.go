// Package config reads a target's environment (docs/contract.md, "Process"), the same rules as
// src/targets/shared/config.ts so that pool sizes and limits are identical across languages.
package config

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is what a Go target needs from its environment.
type Config struct {
	Port        int
	Host        string
	DatabaseURL string
	RedisURL    string
	UpstreamURL string
	// DBPool is LAB_DB_POOL: the pgx pool's MaxConns (and the upstream client's connections).
	DBPool int
	// DataLayer is LAB_DATA_LAYER: the data layer behind the /db routes.
	DataLayer  string
	AuthSecret string
	// AuthTTL is LAB_AUTH_TTL_SECONDS: lifetime of login JWTs and sessions (scenarios 16, 19).
	AuthTTL int
	// CacheTTL is LAB_CACHE_TTL_SECONDS: TTL of the `user:{id}` entries (scenarios 14–15).
	CacheTTL    int
	UploadLimit int64
	// RequestTimeout is LAB_REQUEST_TIMEOUT_MS: how long a request's head and body may take to
	// arrive (a client trickling bytes is cut off after it).
	RequestTimeout time.Duration
}

// JSONBodyLimit is the largest JSON body any target accepts (1 MiB); above it, 413.
const JSONBodyLimit = 1 << 20

// Load reads the configuration through getenv; layers are the data layers this binary has,
// the first being the default.
func Load(getenv func(string) string, layers []string) (Config, error) {
	var c Config
	var err error
	if c.Port, err = integer(getenv, "PORT", nil, 1, 65535); err != nil {
		return c, err
	}
	c.Host = or(getenv("HOST"), "127.0.0.1")
	if c.DatabaseURL, err = required(getenv, "DATABASE_URL"); err != nil {
		return c, err
	}
	c.RedisURL = getenv("REDIS_URL")
	if c.UpstreamURL, err = required(getenv, "UPSTREAM_URL"); err != nil {
		return c, err
	}
	c.UpstreamURL = strings.TrimRight(c.UpstreamURL, "/")
	ten := 10
	if c.DBPool, err = integer(getenv, "LAB_DB_POOL", &ten, 1, 1000); err != nil {
		return c, err
	}
	c.DataLayer = or(getenv("LAB_DATA_LAYER"), layers[0])
	if !slices.Contains(layers, c.DataLayer) {
		return c, fmt.Errorf("LAB_DATA_LAYER=%q is invalid: expected one of %s", c.DataLayer, strings.Join(layers, ", "))
	}
	c.AuthSecret = or(getenv("LAB_AUTH_SECRET"), "lab-secret")
	authTTL, cacheTTL := 900, 300
	if c.AuthTTL, err = integer(getenv, "LAB_AUTH_TTL_SECONDS", &authTTL, 1, 86_400); err != nil {
		return c, err
	}
	if c.CacheTTL, err = integer(getenv, "LAB_CACHE_TTL_SECONDS", &cacheTTL, 1, 86_400); err != nil {
		return c, err
	}
	tenMiB := 10 << 20
	limit, err := integer(getenv, "LAB_UPLOAD_LIMIT_BYTES", &tenMiB, 1, 1<<31-1)
	if err != nil {
		return c, err
	}
	c.UploadLimit = int64(limit)
	thirtySeconds := 30_000
	timeoutMs, err := integer(getenv, "LAB_REQUEST_TIMEOUT_MS", &thirtySeconds, 1000, 600_000)
	if err != nil {
		return c, err
	}
	c.RequestTimeout = time.Duration(timeoutMs) * time.Millisecond
	switch metrics := getenv("LAB_METRICS"); metrics {
	case "", "0":
	case "1":
		// Prometheus metrics exist for the Node targets only (monitoring/README.md); starting
		// without them would silently measure something other than what was asked for.
		return c, fmt.Errorf("LAB_METRICS=1 is not supported by the Go targets (unset it or set 0)")
	default:
		return c, fmt.Errorf("LAB_METRICS=%q is invalid: expected 1 (on) or 0 (off)", metrics)
	}
	return c, nil
}

// MustLoad is Load from the process environment; bad configuration is one line on stderr and
// exit status 2, never a stack trace.
func MustLoad(layers []string) Config {
	c, err := Load(os.Getenv, layers)
	if err != nil {
		fmt.Fprintf(os.Stderr, "target configuration error: %v\n", err)
		os.Exit(2)
	}
	return c
}

// Addr is the listen address, host:port.
func (c Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

func or(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

func required(getenv func(string) string, name string) (string, error) {
	value := getenv(name)
	if value == "" {
		return "", fmt.Errorf("%s is required", name)
	}
	return value, nil
}

func integer(getenv func(string) string, name string, fallback *int, lowest, highest int) (int, error) {
	raw := getenv(name)
	if raw == "" {
		if fallback == nil {
			return 0, fmt.Errorf("%s is required", name)
		}
		return *fallback, nil
	}
	value, err := strconv.Atoi(raw)
	if err != nil || value < lowest || value > highest {
		return 0, fmt.Errorf("%s=%q is invalid: expected an integer from %d to %d", name, raw, lowest, highest)
	}
	return value, nil
}

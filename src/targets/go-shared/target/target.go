// Package target is what every Go target's main does apart from its framework: open the
// dependencies from the configuration, listen, say GOMAXPROCS once, serve until SIGTERM, stop
// gracefully. Each framework passes its own server.
package target

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"backendlab/goshared/auth"
	"backendlab/goshared/cache"
	"backendlab/goshared/config"
	"backendlab/goshared/contract"
	"backendlab/goshared/dbapi"
	"backendlab/goshared/groups"
	"backendlab/goshared/meta"
	"backendlab/goshared/reqlog"
	"backendlab/goshared/store"
	"backendlab/goshared/upstream"
)

// DataLayers are the data layers of the Go targets; the first is a manifest's default.
var DataLayers = []string{"pgx"}

// ShutdownGrace bounds how long in-flight requests may take after SIGTERM.
const ShutdownGrace = 10 * time.Second

// Deps is what the handlers use.
type Deps struct {
	Users       *store.Users
	DB          dbapi.API
	Upstream    *upstream.Client
	Log         *reqlog.Log
	Auth        *auth.Verifier
	Meta        meta.Meta
	UploadLimit int64
	// Groups serves scenarios 14–19; its Redis-backed parts exist with REDIS_URL only.
	Groups *groups.API
	// Served is what this process serves of the contract, for 404 vs 405 and Allow.
	Served contract.Served
	pool   *pgxpool.Pool
	redis  *redis.Client
}

// Open makes the dependencies of target `name` (framework, its Go module for the version).
// One pgx pool of LAB_DB_POOL connections serves /users, the /db layer and the groups; with
// REDIS_URL, one go-redis pool of at most LAB_DB_POOL connections, connected before listening
// (a Redis that does not answer fails the start, as on the Node targets).
func Open(cfg config.Config, name, framework, module string) (*Deps, error) {
	pool, err := store.OpenPool(context.Background(), cfg.DatabaseURL, cfg.DBPool)
	if err != nil {
		return nil, err
	}
	var rdb *redis.Client
	if cfg.RedisURL != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		rdb, err = cache.Open(ctx, cfg.RedisURL, cfg.DBPool)
		cancel()
		if err != nil {
			pool.Close()
			return nil, err
		}
	}
	users := store.NewUsers(pool)
	verifier := auth.NewVerifier(cfg.AuthSecret)
	return &Deps{
		Users:       users,
		DB:          dbapi.API{Layer: store.NewPgxLayer(pool)}, // DataLayers has pgx only
		Upstream:    upstream.New(cfg.UpstreamURL, cfg.DBPool),
		Log:         reqlog.New(),
		Auth:        verifier,
		Meta:        meta.New(name, framework, module, DataLayers[0], cfg.DataLayer, cfg.DBPool),
		UploadLimit: cfg.UploadLimit,
		Groups: groups.New(users, store.NewAccounts(pool), store.NewReports(pool), verifier, rdb,
			cfg.AuthTTL, cfg.CacheTTL, cfg.DBPool),
		Served: contract.Served{Groups: contract.AllGroups, Redis: rdb != nil},
		pool:   pool,
		redis:  rdb,
	}, nil
}

// Close ends the upstream client, Redis and the pool.
func (d *Deps) Close() {
	d.Upstream.Close()
	if d.redis != nil {
		_ = d.redis.Close()
	}
	d.pool.Close()
}

// Server is a framework's server: net/http's *http.Server, or Fiber behind an adapter.
type Server interface {
	Serve(listener net.Listener) error
	Shutdown(ctx context.Context) error
}

// Run serves on cfg's address until SIGTERM or SIGINT, then stops accepting, lets in-flight
// requests finish, closes deps and returns (exit 0). A failure is one line and exit 1.
func Run(name string, cfg config.Config, deps *Deps, srv Server) {
	listener, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		Fatal(name, err)
	}
	// GOMAXPROCS is the launcher's {cpuCount}; said once here so that a run's log records it.
	fmt.Fprintf(os.Stderr, "%s target: listening on http://%s (GOMAXPROCS=%d, %s, %s %s, data layer %s, pool %d)\n",
		name, listener.Addr(), runtime.GOMAXPROCS(0), runtime.Version(), deps.Meta.Framework,
		deps.Meta.FrameworkVersion, deps.Meta.DataLayer, cfg.DBPool)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(listener) }()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-served:
		Fatal(name, err)
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	err = srv.Shutdown(ctx)
	deps.Close()
	if err != nil {
		Fatal(name, err)
	}
}

// Fatal is one line on stderr and exit 1. EADDRINUSE is named as such: the launcher retries
// another port when it reads it.
func Fatal(name string, err error) {
	if errors.Is(err, syscall.EADDRINUSE) {
		fmt.Fprintf(os.Stderr, "%s target: EADDRINUSE: %v\n", name, err)
	} else {
		fmt.Fprintf(os.Stderr, "%s target: %v\n", name, err)
	}
	os.Exit(1)
}

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

	"backendlab/goshared/auth"
	"backendlab/goshared/config"
	"backendlab/goshared/dbapi"
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
	pool        *pgxpool.Pool
}

// Open makes the dependencies of target `name` (framework, its Go module for the version).
// One pgx pool of LAB_DB_POOL connections serves /users and the /db layer.
func Open(cfg config.Config, name, framework, module string) (*Deps, error) {
	pool, err := store.OpenPool(context.Background(), cfg.DatabaseURL, cfg.DBPool)
	if err != nil {
		return nil, err
	}
	return &Deps{
		Users:       store.NewUsers(pool),
		DB:          dbapi.API{Layer: store.NewPgxLayer(pool)}, // DataLayers has pgx only
		Upstream:    upstream.New(cfg.UpstreamURL, cfg.DBPool),
		Log:         reqlog.New(),
		Auth:        auth.NewVerifier(cfg.AuthSecret),
		Meta:        meta.New(name, framework, module, DataLayers[0], cfg.DataLayer, cfg.DBPool),
		UploadLimit: cfg.UploadLimit,
		pool:        pool,
	}, nil
}

// Close ends the upstream client and the pool.
func (d *Deps) Close() {
	d.Upstream.Close()
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
